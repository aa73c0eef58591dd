import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env.ts';
import { htmlResponse } from './html-response.ts';
import { Layout, type PageProps } from './layouts/layout.tsx';

/** Render a page inside the layout, with the request's brand, session, CSRF token and flash. */
export function page(
  c: Context<AppEnv>,
  opts: { title: string; current?: PageProps['current']; bare?: boolean; status?: ContentfulStatusCode; scripts?: readonly string[] },
  body: Child,
) {
  return htmlResponse(
    c,
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
    </Layout>,
    opts.status,
  );
}
