import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env.ts';
import { DOCTYPE, htmlBytesResponse, htmlResponse } from './html-response.ts';
import { Layout, layoutParts, type PageProps } from './layouts/layout.tsx';

/** Render a page inside the layout, with the request's brand, session, CSRF token and flash. */
export function page(
  c: Context<AppEnv>,
  opts: { title: string; current?: PageProps['current']; bare?: boolean; status?: ContentfulStatusCode; scripts?: readonly string[] },
  body: Child,
) {
  return htmlResponse(c, layoutOf(c, opts, body), opts.status);
}

type PageOptions = Parameters<typeof page>[1];

function layoutProps(c: Context<AppEnv>, opts: PageOptions) {
  return {
    title: opts.title,
    brand: c.get('deps').config.brand,
    session: c.get('session'),
    csrfToken: c.get('csrfToken') ?? '',
    flash: c.get('flash'),
    current: opts.current,
    bare: opts.bare,
    scripts: opts.scripts,
  };
}

function layoutOf(c: Context<AppEnv>, opts: PageOptions, body: Child) {
  return <Layout {...layoutProps(c, opts)}>{body}</Layout>;
}

/**
 * page(), for a body whose large parts are already UTF-8 (a prepared
 * article, encoded once per published version): the layout's markup before
 * and after the body, and the parts, written into one buffer. Encoding a
 * whole 10 KB page with accents on each request was a seventh of an
 * article's CPU (bench/many-readers).
 */
export function pageAround(c: Context<AppEnv>, opts: PageOptions, parts: readonly (string | Buffer)[]) {
  return htmlBytesResponse(c, pageBytes(layoutParts(layoutProps(c, opts)), parts), opts.status);
}

/**
 * The whole page as UTF-8: the doctype, the layout's head, header, the
 * parts, the footer. Shared by pageAround and the pages served ahead of the
 * framework (reader-pages.ts), so both send the same bytes.
 */
export function pageBytes([head, header, after]: readonly [string, string | Buffer, string | Buffer], parts: readonly (string | Buffer)[]): Buffer<ArrayBuffer> {
  const pieces: Array<string | Buffer> = [DOCTYPE + head, header, ...parts, after];
  let length = 0;
  for (const p of pieces) length += typeof p === 'string' ? Buffer.byteLength(p) : p.length;
  const bytes = Buffer.allocUnsafe(length);
  let at = 0;
  for (const p of pieces) at += typeof p === 'string' ? bytes.write(p, at) : p.copy(bytes, at);
  if (at !== length) throw new Error('pageBytes: the page is not the length it was measured at');
  return bytes;
}
