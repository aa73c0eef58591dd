import type { Kysely } from 'kysely';
import { z } from 'zod';
import { toCount } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';

export const listHelpNewsInput = z.object({
  /** Readable systems only: the caller takes them from readableSystems() (help-access.ts). */
  systemIds: z.array(z.string()),
  /** Versions published strictly after this instant (UTC ISO); all of them without it. */
  since: z.string().datetime().optional(),
  /** And at or before this one (the digest's cut); no bound without it. */
  until: z.string().datetime().optional(),
  limit: z.number().int().min(1).max(200),
  page: z.number().int().min(1).max(100_000).default(1),
});
export type ListHelpNewsInput = z.input<typeof listHelpNewsInput>;

export interface HelpNewsItem {
  articleId: string;
  systemId: string;
  systemSlug: string;
  systemName: string;
  /** The article as readers find it today (its slug may have changed since the version). */
  slug: string;
  title: string;
  /** 'new': the article's first version; 'updated': any later one. */
  kind: 'new' | 'updated';
  changeNote: string;
  publishedAt: string;
  versionNo: number;
}

export interface HelpNews {
  items: HelpNewsItem[];
  /** Articles in the window, over every page. */
  total: number;
  /** Articles in the window per system (systemId → count), for "and N more" links. */
  perSystem: Record<string, number>;
}

/**
 * What was published lately in these systems: per article, its latest
 * version in the window, newest first. Only articles readers can open now
 * (published = 1); a version is written on publish only, so nothing of a
 * draft can show here.
 */
export async function listHelpNews(db: Kysely<Database>, input: ListHelpNewsInput): Promise<HelpNews> {
  const q = listHelpNewsInput.parse(input);
  if (q.systemIds.length === 0) return { items: [], total: 0, perSystem: {} };
  let base = db
    .selectFrom('help_article_versions as v')
    .innerJoin('help_articles as a', 'a.id', 'v.article_id')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .where('a.published', '=', 1)
    .where('a.system_id', 'in', q.systemIds)
    // The help's first load is where readers start, not a change to tell them about.
    .where('v.source', '!=', 'initial');
  if (q.since) base = base.where('v.published_at', '>', q.since);
  if (q.until) base = base.where('v.published_at', '<=', q.until);
  // The latest version of the article within the window: none after it inside the same bounds.
  base = base.where((eb) => {
    let later = eb.selectFrom('help_article_versions as l').select('l.id').whereRef('l.article_id', '=', 'v.article_id').whereRef('l.version_no', '>', 'v.version_no');
    if (q.until) later = later.where('l.published_at', '<=', q.until);
    return eb.not(eb.exists(later));
  });

  const counts = await base.select((eb) => ['a.system_id as systemId', eb.fn.countAll().as('n')]).groupBy('a.system_id').execute();
  const perSystem = Object.fromEntries(counts.map((c) => [c.systemId, toCount(c.n)]));
  const total = Object.values(perSystem).reduce((n, c) => n + c, 0);
  if (total === 0) return { items: [], total, perSystem };

  const rows = await base
    .select((eb) => [
      'a.id as articleId',
      'a.system_id as systemId',
      's.slug as systemSlug',
      's.name as systemName',
      'a.slug',
      'a.title',
      'v.change_note as changeNote',
      'v.published_at as publishedAt',
      'v.version_no as versionNo',
      eb
        .exists(eb.selectFrom('help_article_versions as e').select('e.id').whereRef('e.article_id', '=', 'v.article_id').whereRef('e.version_no', '<', 'v.version_no'))
        .as('hasEarlier'),
    ])
    .orderBy('v.published_at', 'desc')
    .orderBy('a.title')
    .orderBy('a.id')
    .limit(q.limit)
    .offset((q.page - 1) * q.limit)
    .execute();
  return {
    items: rows.map(({ hasEarlier, ...r }) => ({ ...r, kind: isTrue(hasEarlier) ? 'updated' : 'new' })),
    total,
    perSystem,
  };
}

/** EXISTS comes back as 0/1 from SQLite and as a boolean from PostgreSQL. */
function isTrue(v: unknown): boolean {
  return v === true || v === 1 || v === '1';
}
