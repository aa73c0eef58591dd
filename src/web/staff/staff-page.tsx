import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { htmlResponse } from '../html-response.ts';
import type { AppEnv } from '../env.ts';
import { StaffLayout, type ConsoleSection } from './staff-layout.tsx';

/** Render a console page inside the console's layout, with the request's staff session, CSRF token and flash. */
export function staffPage(c: Context<AppEnv>, opts: { title: string; current?: ConsoleSection; bare?: boolean; status?: ContentfulStatusCode; scripts?: readonly string[] }, body: Child) {
  return htmlResponse(
    c,
    <StaffLayout
      title={opts.title}
      brand={c.get('deps').config.brand}
      session={c.get('staffSession') ?? null}
      csrfToken={c.get('csrfToken') ?? ''}
      flash={c.get('flash')}
      current={opts.current}
      bare={opts.bare}
      scripts={opts.scripts}
    >
      {body}
    </StaffLayout>,
    opts.status,
  );
}
