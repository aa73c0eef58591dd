import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { renderToString } from '../html/render-to-string.ts';

/**
 * Each page's bytes by the answer that carries them, for the page cache to
 * keep (middleware/page-cache-fill.ts). Reading them back out of the Response
 * would make the adapter build a real web Response, tee its body stream and
 * read one branch: a third of an article page's CPU (bench/many-readers,
 * issue 10). Keyed by the Response object, so an answer someone replaced is
 * never mistaken for the page.
 */
const renderedBodies = new WeakMap<Response, Buffer>();

/** The bytes `res` was made from by htmlResponse, if it was. */
export function renderedBodyOf(res: Response): Buffer | undefined {
  return renderedBodies.get(res);
}

const HTML = { 'Content-Type': 'text/html; charset=UTF-8' } as const;

/**
 * A whole page as the response: the doctype, then the rendered layout (the
 * portal's or the console's). Encoded to UTF-8 once, here: the socket and the
 * page cache take the same bytes (a string body is measured, then encoded
 * again on the way out, and a page with accents takes V8's slow path each time).
 */
export function htmlResponse(c: Context, document: Child, status: ContentfulStatusCode = 200) {
  return htmlBytesResponse(c, Buffer.from(DOCTYPE + renderToString(document), 'utf8'), status);
}

export const DOCTYPE = '<!doctype html>';

/** A whole page already encoded (render.tsx's pageAround joins prepared bytes): sent and kept as it is. */
export function htmlBytesResponse(c: Context, bytes: Buffer<ArrayBuffer>, status: ContentfulStatusCode = 200) {
  const res = c.body(bytes, status, HTML);
  renderedBodies.set(res, bytes);
  return res;
}
