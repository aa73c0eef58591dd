import type { Context } from 'hono';
import { Hono } from 'hono';
import { AppError, notFound } from '../../../errors.ts';
import type { SystemSummary } from '../../../help/help-access.ts';
import { movedArticleSlug } from '../../../help/moved-article.ts';
import { readAttachment, type AttachmentFile } from '../../../help/read-attachment.ts';
import type { AppEnv } from '../../env.ts';
import { readableSystemOf } from './help-reader.ts';

const INLINE = /^(image\/(png|jpeg|gif|webp)|application\/pdf)$/;

/**
 * An article's image or file, for the people who may read the article and
 * nobody else: the same check as the article page, so a copied link opens
 * for no one outside the customer's contracts and the user's scope.
 */
export const helpAttachmentRoutes = new Hono<AppEnv>().get('/ayuda/:system/:article/adjuntos/*', async (c) => {
  const { db } = c.get('deps');
  const system = await readableSystemOf(c, c.req.param('system'));
  const prefix = `/ayuda/${c.req.param('system')}/${c.req.param('article')}/adjuntos/`;
  try {
    return await sendAttachment(c, system, c.req.param('article'), prefix);
  } catch (err) {
    // A file of a renamed article: an image embedded elsewhere by its old address still opens.
    const moved = err instanceof AppError && err.status === 404 ? await movedArticleSlug(db, system, c.req.param('article')) : null;
    if (!moved) throw err;
    return c.redirect(`/ayuda/${system.slug}/${moved}/adjuntos/${c.req.path.slice(prefix.length)}`, 301);
  }
});

/** The file under `prefix` of an article of a system the reader was already allowed (the console's preview serves them too). */
export async function sendAttachment(c: Context<AppEnv>, system: SystemSummary, articleSlug: string, prefix: string) {
  const { db } = c.get('deps');
  let path: string;
  try {
    path = c.req.path.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    throw notFound();
  }
  const file = await readAttachment(db, system, articleSlug, path);
  return sendAttachmentFile(c, file, path);
}

/** An attachment already allowed to this request, with the headers that keep it from acting as a page of ours (the console serves drafts' files with these too). */
export function sendAttachmentFile(c: Context<AppEnv>, file: AttachmentFile, path: string) {
  const etag = `"${file.sha256}"`;
  // Private: a shared cache must never hand it to someone else. No-cache: the
  // browser's own cache is shared by everyone who signs in on that browser,
  // so each use comes back here (a 304 when unchanged) and the access check
  // runs again, for the next person and after a contract or scope change.
  c.header('Cache-Control', 'private, no-cache');
  c.header('ETag', etag);
  // A PDF opened in the browser runs in a sandbox, without the portal's origin.
  if (file.contentType === 'application/pdf') c.header('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'");
  // An image opened in a tab of its own: the browser's image viewer styles it
  // inline, which the pages' policy (style-src 'self') refuses, with a console
  // error each time. It is no page of ours: a policy of its own, on the 304
  // too (a 304's headers replace the stored ones).
  else if (INLINE.test(file.contentType)) c.header('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  const name = path.split('/').pop()!;
  c.header('Content-Disposition', `${INLINE.test(file.contentType) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`);
  return c.body(new Uint8Array(file.data), 200, { 'Content-Type': file.contentType, 'Content-Length': String(file.size) });
}
