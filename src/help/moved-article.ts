import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { SystemSummary } from './help-access.ts';
import { ARTICLE_SLUG } from './read-help.ts';

/**
 * The current slug of the article that `oldSlug` named before a rename, when
 * that article is published: an old link answers 301 to it. Redirects point
 * at the article, not at a slug, so a link from two renames ago lands on the
 * current one in one hop. An unpublished target answers null (the usual
 * 404), so no redirect ever reveals a draft's slug.
 */
export async function movedArticleSlug(db: Kysely<Database>, system: SystemSummary, oldSlug: string): Promise<string | null> {
  if (!ARTICLE_SLUG.test(oldSlug)) return null;
  const r = await db
    .selectFrom('help_slug_redirects as r')
    .innerJoin('help_articles as a', 'a.id', 'r.article_id')
    .select('a.slug')
    .where('r.system_id', '=', system.id)
    .where('r.old_slug', '=', oldSlug)
    .where('a.system_id', '=', system.id)
    .where('a.published', '=', 1)
    .executeTakeFirst();
  return r && r.slug !== oldSlug ? r.slug : null;
}
