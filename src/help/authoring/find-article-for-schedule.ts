import type { Kysely } from 'kysely';
import { isUuid } from '../../customers/find-customer.ts';
import type { Database } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';

export interface ArticleForSchedule {
  id: string;
  title: string;
  published: boolean;
  versionNo: number;
  /** The working draft a scheduled publish would publish, if there is one. */
  draft: { revision: number; title: string; state: string; updatedByLabel: string; createdAt: string; updatedAt: string } | null;
}

/** The article the schedule page is about (its draft's title when it has one); another id is a 404. */
export async function findArticleForSchedule(db: Kysely<Database>, id: string): Promise<ArticleForSchedule> {
  if (!isUuid(id)) throw notFound();
  const a = await db
    .selectFrom('help_articles as a')
    .leftJoin('help_article_drafts as d', 'd.article_id', 'a.id')
    .select(['a.id', 'a.title', 'a.published', 'a.version_no', 'd.revision', 'd.title as draft_title', 'd.state', 'd.updated_by_label', 'd.created_at', 'd.updated_at'])
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!a) throw notFound();
  return {
    id: a.id,
    title: a.draft_title ?? a.title,
    published: Number(a.published) === 1,
    versionNo: Number(a.version_no),
    draft: a.revision === null ? null : { revision: Number(a.revision), title: a.draft_title ?? '', state: a.state ?? 'draft', updatedByLabel: a.updated_by_label ?? '', createdAt: a.created_at ?? '', updatedAt: a.updated_at ?? '' },
  };
}
