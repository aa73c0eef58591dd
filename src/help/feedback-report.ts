import type { Kysely } from 'kysely';
import { toCount } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';
import type { ReportRange } from './report-range.ts';

export interface ArticleFeedback {
  system: string;
  slug: string;
  title: string;
  yes: number;
  no: number;
  comments: number;
  /** Comments left with a «No». */
  noComments: number;
}

/** Votes per article, most "No" first: what the vendor should rewrite next. With a range: the votes cast or changed in it; with a system: its articles only. */
export async function feedbackReport(db: Kysely<Database>, range?: ReportRange, system?: string): Promise<ArticleFeedback[]> {
  let q = db
    .selectFrom('help_votes as v')
    .innerJoin('help_articles as a', 'a.id', 'v.article_id')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .select((eb) => [
      's.slug as system',
      'a.slug',
      'a.title',
      eb.fn.sum<number>(eb.case().when('v.helpful', '=', 1).then(1).else(0).end()).as('yes'),
      eb.fn.sum<number>(eb.case().when('v.helpful', '=', 0).then(1).else(0).end()).as('no'),
      eb.fn.count<number>('v.comment').as('comments'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('v.helpful', '=', 0), eb('v.comment', 'is not', null)])).then(1).else(0).end()).as('no_comments'),
    ])
    .groupBy(['s.slug', 'a.slug', 'a.title']);
  if (range) q = q.where('v.updated_at', '>=', range.fromInstant).where('v.updated_at', '<', range.toInstant);
  if (system) q = q.where('s.slug', '=', system);
  const rows = await q.execute();
  return rows
    .map((r) => ({ system: r.system, slug: r.slug, title: r.title, yes: toCount(r.yes), no: toCount(r.no), comments: toCount(r.comments), noComments: toCount(r.no_comments) }))
    .sort((a, b) => b.no - a.no || a.yes - b.yes || a.system.localeCompare(b.system) || a.slug.localeCompare(b.slug));
}

export interface FeedbackComment {
  at: string;
  helpful: boolean;
  comment: string;
  customer: string;
}

/** The comments left on one article, newest first (who: the customer, not the person). */
export async function articleComments(db: Kysely<Database>, system: string, slug: string): Promise<FeedbackComment[]> {
  const rows = await db
    .selectFrom('help_votes as v')
    .innerJoin('help_articles as a', 'a.id', 'v.article_id')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .innerJoin('users as u', 'u.id', 'v.user_id')
    .innerJoin('customers as c', 'c.id', 'u.customer_id')
    .select(['v.updated_at', 'v.helpful', 'v.comment', 'c.name'])
    .where('s.slug', '=', system)
    .where('a.slug', '=', slug)
    .where('v.comment', 'is not', null)
    .orderBy('v.updated_at', 'desc')
    .execute();
  return rows.map((r) => ({ at: r.updated_at, helpful: r.helpful === 1, comment: r.comment ?? '', customer: r.name }));
}

export interface RangeComment extends FeedbackComment {
  system: string;
  slug: string;
}

/** Every comment of the range (newest first, at most `limit`; of one system, or only "No" ones, when asked), in one query: the report groups them under their article. */
export async function commentsInRange(db: Kysely<Database>, range: ReportRange, limit = 500, only: { system?: string; helpful?: boolean } = {}): Promise<RangeComment[]> {
  let q = db
    .selectFrom('help_votes as v')
    .innerJoin('help_articles as a', 'a.id', 'v.article_id')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .innerJoin('users as u', 'u.id', 'v.user_id')
    .innerJoin('customers as c', 'c.id', 'u.customer_id')
    .select(['s.slug as system', 'a.slug', 'v.updated_at', 'v.helpful', 'v.comment', 'c.name'])
    .where('v.comment', 'is not', null)
    .where('v.updated_at', '>=', range.fromInstant)
    .where('v.updated_at', '<', range.toInstant)
    .orderBy('v.updated_at', 'desc')
    .limit(limit);
  if (only.system) q = q.where('s.slug', '=', only.system);
  if (only.helpful !== undefined) q = q.where('v.helpful', '=', only.helpful ? 1 : 0);
  const rows = await q.execute();
  return rows.map((r) => ({ system: r.system, slug: r.slug, at: r.updated_at, helpful: r.helpful === 1, comment: r.comment ?? '', customer: r.name }));
}
