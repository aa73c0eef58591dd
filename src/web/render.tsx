import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env.ts';
import { DOCTYPE, htmlBytesResponse, htmlResponse } from './html-response.ts';
import { renderToString } from '../html/render-to-string.ts';
import { Layout, type PageProps } from './layouts/layout.tsx';

/** Render a page inside the layout, with the request's brand, session, CSRF token and flash. */
export function page(
  c: Context<AppEnv>,
  opts: { title: string; current?: PageProps['current']; bare?: boolean; status?: ContentfulStatusCode; scripts?: readonly string[] },
  body: Child,
) {
  return htmlResponse(c, layoutOf(c, opts, body), opts.status);
}

type PageOptions = Parameters<typeof page>[1];

function layoutOf(c: Context<AppEnv>, opts: PageOptions, body: Child) {
  return (
    <Layout
      title={opts.title}
      brand={c.get('deps').config.brand}
      session={c.get('session')}
      csrfToken={c.get('csrfToken') ?? ''}
      flash={c.get('flash')}
      current={opts.current}
      bare={opts.bare}
      scripts={opts.scripts}
    >
      {body}
    </Layout>
  );
}

// Where the body goes in pageAround's rendering: random, and with a NUL no page text holds.
const BODY_MARK = `\u0000${randomUUID()}:body`;

/**
 * page(), for a body whose large parts are already UTF-8 (a prepared
 * article, encoded once per published version): the layout is rendered
 * around a marker, and the page is the layout's two halves, encoded, joined
 * with the parts as they are. Encoding a whole 10 KB page with accents on
 * each request was a seventh of an article's CPU (bench/many-readers).
 */
export function pageAround(c: Context<AppEnv>, opts: PageOptions, parts: readonly (string | Buffer)[]) {
  const frame = DOCTYPE + renderToString(layoutOf(c, opts, raw(BODY_MARK)));
  const at = frame.indexOf(BODY_MARK);
  if (at < 0 || frame.indexOf(BODY_MARK, at + 1) >= 0) throw new Error('pageAround: the body marker must appear once');
  const chunks = [Buffer.from(frame.slice(0, at), 'utf8'), ...parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)), Buffer.from(frame.slice(at + BODY_MARK.length), 'utf8')];
  return htmlBytesResponse(c, Buffer.concat(chunks), opts.status);
}
