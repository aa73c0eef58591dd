import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../../customers/find-customer.ts';
import type { Database } from '../../db/schema.ts';
import type { SystemSummary } from '../help-access.ts';
import { ARTICLE_SLUG } from '../read-help.ts';

export const OpenSearchResultInput = z.object({
  /** help_search_log.id from the link; anything else records nothing. */
  logId: z.string().max(100),
  /** "<system>/<article>", as the results page wrote it. */
  target: z.string().max(300),
  userId: z.string().min(1),
  now: z.date(),
});

export interface ResultTarget {
  systemSlug: string;
  slug: string;
}

/**
 * A result link of the search page was followed. The target is only ever a
 * published article of one of `systems` (the reader's, from help-access.ts),
 * named by slugs that pass the import's own pattern: the caller builds the
 * redirect from what this returns, never from the request. The first opening
 * of a search is recorded, and only when the search is this user's own.
 * Null: no such article for this reader (the caller answers 404).
 */
export async function openSearchResult(db: Kysely<Database>, systems: SystemSummary[], input: z.infer<typeof OpenSearchResultInput>): Promise<ResultTarget | null> {
  const o = OpenSearchResultInput.parse(input);
  const m = /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(o.target);
  if (!m || !ARTICLE_SLUG.test(m[2]!)) return null;
  const system = systems.find((s) => s.slug === m[1]);
  if (!system) return null;
  const article = await db
    .selectFrom('help_articles')
    .select(['id', 'slug'])
    .where('system_id', '=', system.id)
    .where('slug', '=', m[2]!)
    .where('published', '=', 1)
    .executeTakeFirst();
  if (!article) return null;
  if (isUuid(o.logId)) {
    await db
      .updateTable('help_search_log')
      .set({ opened_at: o.now.toISOString(), opened_article_id: article.id })
      .where('id', '=', o.logId)
      .where('user_id', '=', o.userId)
      .where('opened_at', 'is', null)
      .execute();
  }
  return { systemSlug: system.slug, slug: article.slug };
}
