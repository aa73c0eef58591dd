import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { AttachmentFile } from '../read-attachment.ts';
import { notFound } from '../../errors.ts';
import { markdownFor } from './upload-article-file.ts';

export interface ArticleFileItem {
  path: string;
  contentType: string;
  size: number;
  /** Uploaded for the draft: readers do not get it until the draft is published. */
  draft: boolean;
  updatedAt: string;
  markdown: string;
}

/** Every file of an article, published and waiting for a draft, by path (the caller found the article). */
export async function listArticleFiles(db: Kysely<Database>, articleId: string): Promise<ArticleFileItem[]> {
  const rows = await db.selectFrom('help_attachments').select(['path', 'content_type', 'size', 'draft', 'updated_at']).where('article_id', '=', articleId).orderBy('path').execute();
  return rows.map((r) => ({ path: r.path, contentType: r.content_type, size: Number(r.size), draft: Number(r.draft) === 1, updatedAt: r.updated_at, markdown: markdownFor(r.path, r.content_type) }));
}

/** One file of an article for the console, whether published or waiting for a draft. */
export async function readArticleFile(db: Kysely<Database>, articleId: string, path: string): Promise<AttachmentFile> {
  // PostgreSQL answers a NUL byte with an error, not with no row.
  if (path.includes('\0') || path.length > 500) throw notFound();
  const f = await db.selectFrom('help_attachments').select(['content_type', 'size', 'sha256', 'data']).where('article_id', '=', articleId).where('path', '=', path).executeTakeFirst();
  if (!f) throw notFound();
  return { contentType: f.content_type, size: Number(f.size), sha256: f.sha256, data: Buffer.from(f.data) };
}
