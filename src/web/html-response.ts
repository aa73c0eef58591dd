import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { renderToString } from '../html/render-to-string.ts';

/** A whole page as the response: the doctype, then the rendered layout (the portal's or the console's). */
export function htmlResponse(c: Context, document: Child, status: ContentfulStatusCode = 200) {
  return c.html('<!doctype html>' + renderToString(document), status);
}
