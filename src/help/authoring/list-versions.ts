import type { Kysely } from 'kysely';
import type { Database, HelpVersionSource } from '../../db/schema.ts';

export interface VersionSummary {
  versionNo: number;
  title: string;
  slug: string;
  changeNote: string;
  source: HelpVersionSource;
  authorLabel: string;
  publishedByLabel: string;
  publishedAt: string;
}

/** Every published version of an article, newest first. */
export async function listVersions(db: Kysely<Database>, articleId: string): Promise<VersionSummary[]> {
  const rows = await db
    .selectFrom('help_article_versions')
    .select(['version_no', 'title', 'slug', 'change_note', 'source', 'author_label', 'published_by_label', 'published_at'])
    .where('article_id', '=', articleId)
    .orderBy('version_no', 'desc')
    .execute();
  return rows.map((r) => ({
    versionNo: Number(r.version_no), title: r.title, slug: r.slug, changeNote: r.change_note, source: r.source, authorLabel: r.author_label,
    publishedByLabel: r.published_by_label, publishedAt: r.published_at,
  }));
}
