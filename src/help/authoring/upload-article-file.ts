import { createHash, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Dialect } from '../../db/create-db.ts';
import type { Database } from '../../db/schema.ts';
import { ValidationError } from '../../errors.ts';
import { attachmentTypeFor, matchesContentType, MAX_ATTACHMENT_BYTES } from '../attachment-types.ts';
import { authorizeHelpWrite } from './structure-fields.ts';
import { findConsoleArticle } from './find-console-article.ts';

const MIB = 1024 * 1024;
const IMAGE = /^image\//;

export const UploadArticleFileInput = z.object({
  articleId: z.string().min(1).max(100),
  /** The name the browser gave the file. */
  fileName: z.string().max(1000, 'El nombre del archivo es demasiado largo: acórtelo antes de subirlo.'),
  data: z.instanceof(Uint8Array),
});
export type UploadArticleFileInput = { articleId: string; fileName: string; data: Uint8Array };

export interface UploadedArticleFile {
  path: string;
  contentType: string;
  size: number;
  /** 'new': a file of its own; 'replaced': over a draft file of that name; 'unchanged': the same bytes were already there. */
  outcome: 'new' | 'replaced' | 'unchanged';
  /** The Markdown that shows or links it. */
  markdown: string;
}

/**
 * The file's name as a path the article links: "imagenes/" or "archivos/"
 * and the name in lower case without accents, spaces or anything but
 * letters, digits, dots, dashes and underscores. A name with a folder in it
 * ("../x.png", "a/b.png", "C:\x.png") is refused, not flattened: whoever
 * sent it did not pick it in a file dialog.
 */
export function articleFilePath(fileName: string): { path: string } | { error: string } {
  const name = fileName.trim();
  if (name === '') return { error: 'Elija un archivo.' };
  if (/[/\\\u0000-\u001f\u007f]/.test(name) || name.startsWith('.')) return { error: `El nombre "${name.slice(0, 100)}" no es un nombre de archivo válido.` };
  const type = attachmentTypeFor(name);
  if (!type) return { error: 'Sólo se pueden subir archivos png, jpg, gif, webp, pdf, csv, txt, xlsx o docx.' };
  const dot = name.lastIndexOf('.');
  const ext = name.slice(dot + 1).toLowerCase();
  const stem = name
    .slice(0, dot)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 80);
  if (stem === '') return { error: `El nombre "${name.slice(0, 100)}" no tiene letras ni números; cámbielo antes de subirlo.` };
  return { path: `${IMAGE.test(type) ? 'imagenes' : 'archivos'}/${stem}.${ext}` };
}

function withSuffix(path: string, n: number): string {
  const dot = path.lastIndexOf('.');
  return `${path.slice(0, dot)}-${n}${path.slice(dot)}`;
}

export function markdownFor(path: string, contentType: string): string {
  const name = path.split('/').pop()!.replace(/\.[^.]+$/, '');
  return IMAGE.test(contentType) ? `![${name}](${path})` : `[${name}](${path})`;
}

/**
 * A file for an article's draft, with the import's own checks (type from the
 * extension, bytes that match it, at most 5 MiB). It waits with draft = 1
 * until the draft is published: readers never get it before. A name a
 * published file already has gets a number ("x-2.png"), so the published
 * article and its old versions keep their file; a draft file of the same
 * name is replaced. Nothing is ever deleted here.
 */
export async function uploadArticleFile(
  trx: Transaction<Database>,
  by: Principal,
  raw: UploadArticleFileInput & { now: Date; dialect: Dialect },
): Promise<UploadedArticleFile> {
  authorizeHelpWrite(by);
  const parsed = UploadArticleFileInput.safeParse(raw);
  if (!parsed.success) {
    const named = parsed.error.issues.find((i) => i.path[0] === 'fileName');
    throw new ValidationError({ archivo: named?.message ?? 'Elija un archivo.' });
  }
  const { articleId, fileName, data } = parsed.data;
  const article = await findConsoleArticle(trx, articleId);
  const named = articleFilePath(fileName);
  if ('error' in named) throw new ValidationError({ archivo: named.error });
  const contentType = attachmentTypeFor(named.path)!;
  if (data.byteLength === 0) throw new ValidationError({ archivo: 'El archivo elegido está vacío.' });
  if (data.byteLength > MAX_ATTACHMENT_BYTES) {
    throw new ValidationError({ archivo: `El archivo pesa ${(data.byteLength / MIB).toFixed(1).replace('.', ',')} MiB; el máximo es ${MAX_ATTACHMENT_BYTES / MIB} MiB.` });
  }
  if (!matchesContentType(contentType, data)) {
    throw new ValidationError({ archivo: `El contenido del archivo no corresponde a su extensión (${contentType.split(';')[0]}): ¿es un archivo renombrado?` });
  }
  // The article row is the lock on its files: two uploads at once would both pick the same free name, and a publish
  // (which writes this row before it turns the draft files into published ones) would make the file read below as a
  // draft one published under the upload, whose replacing update would then find no draft row and drop the bytes.
  // SQLite's BEGIN IMMEDIATE already is one writer at a time.
  if (raw.dialect === 'postgres') await trx.selectFrom('help_articles').select('id').where('id', '=', article.id).forUpdate().execute();
  const sha256 = createHash('sha256').update(data).digest('hex');
  const existing = new Map((await trx.selectFrom('help_attachments').select(['id', 'path', 'draft', 'sha256']).where('article_id', '=', article.id).execute()).map((f) => [f.path, f]));
  let path = named.path;
  for (let n = 2; ; n++) {
    const taken = existing.get(path);
    if (!taken || Number(taken.draft) === 1 || taken.sha256 === sha256) break;
    path = withSuffix(named.path, n);
  }
  const at = raw.now.toISOString();
  const old = existing.get(path);
  const base = { path, contentType, size: data.byteLength, markdown: markdownFor(path, contentType) };
  if (old && old.sha256 === sha256) return { ...base, outcome: 'unchanged' };
  const buffer = Buffer.from(data);
  const replaced = old
    ? Number((await trx.updateTable('help_attachments').set({ content_type: contentType, size: data.byteLength, sha256, data: buffer, updated_at: at }).where('id', '=', old.id).where('draft', '=', 1).executeTakeFirst()).numUpdatedRows) === 1
    : false;
  // No draft row to replace after all (the draft was discarded, and its files with it, while this one waited): a file of its own.
  if (!replaced) {
    await trx.insertInto('help_attachments').values({ id: randomUUID(), article_id: article.id, path, content_type: contentType, size: data.byteLength, sha256, data: buffer, updated_at: at, draft: 1 }).execute();
  }
  await recordAuditEvent(trx, {
    action: 'help.attachment-uploaded', at: raw.now, ...auditActor(by), customerId: null, targetLabel: `${article.title} · ${path}`,
    detail: { articleId: article.id, path, contentType, size: data.byteLength, sha256, replaced, originalName: fileName.slice(0, 200) },
  });
  return { ...base, outcome: replaced ? 'replaced' : 'new' };
}
