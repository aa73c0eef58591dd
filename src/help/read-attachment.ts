import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import type { SystemSummary } from './help-access.ts';
import { ARTICLE_SLUG } from './read-help.ts';

export interface AttachmentFile {
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
}

/** A published file of a published article of a system the reader may read (the caller got `system` from help-access). */
export async function readAttachment(db: Kysely<Database>, system: SystemSummary, articleSlug: string, path: string): Promise<AttachmentFile> {
  // PostgreSQL answers a NUL byte ("%00" in the URL) with an error, not with no row.
  if (!ARTICLE_SLUG.test(articleSlug) || path.includes('\0')) throw notFound();
  const f = await db
    .selectFrom('help_attachments as f')
    .innerJoin('help_articles as a', 'a.id', 'f.article_id')
    .select(['f.content_type', 'f.size', 'f.sha256', 'f.data'])
    .where('a.system_id', '=', system.id)
    .where('a.slug', '=', articleSlug)
    .where('a.published', '=', 1)
    .where('f.path', '=', path)
    // A file uploaded for a draft waits for the draft's publish (decision 0017).
    .where('f.draft', '=', 0)
    .executeTakeFirst();
  if (!f) throw notFound();
  return { contentType: f.content_type, size: f.size, sha256: f.sha256, data: Buffer.from(f.data) };
}
