import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { renderToString } from '../html/render-to-string.ts';

/**
 * Each page's HTML by the answer that carries it, for the page cache to keep
 * (middleware/page-cache-fill.ts). Reading it back out of the Response would
 * make the adapter build a real web Response, tee its body stream and read
 * one branch: a third of an article page's CPU (bench/many-readers, issue 10).
 * Keyed by the Response object, so an answer someone replaced is never
 * mistaken for the page.
 */
const renderedBodies = new WeakMap<Response, string>();

/** The HTML `res` was made from by htmlResponse, if it was. */
export function renderedBodyOf(res: Response): string | undefined {
  return renderedBodies.get(res);
}

/** A whole page as the response: the doctype, then the rendered layout (the portal's or the console's). */
export function htmlResponse(c: Context, document: Child, status: ContentfulStatusCode = 200) {
  const html = '<!doctype html>' + renderToString(document);
  const res = c.html(html, status);
  renderedBodies.set(res, html);
  return res;
}
