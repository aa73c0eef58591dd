import type { MiddlewareHandler } from 'hono';
import { CACHEABLE, type PageCache } from '../page-cache.ts';
import type { AppEnv } from '../env.ts';
import { renderedBodyOf } from '../html-response.ts';
import { ownBytes } from '../../html/own-bytes.ts';

/**
 * Keeps what the framework rendered for a signed-in person's services and
 * help pages, for the page cache to serve next time. Only plain answers are
 * kept: 200, no cookie being set, no flash message, no forced password change.
 */
// A query string of any kind (a bare '?' included) keeps the page out: parsing the URL to tell cost more than it saves.
export function pageCacheFill(cache: PageCache): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const generationAtStart = cache.generation;
    await next();
    if (c.req.method !== 'GET' || !CACHEABLE(c.req.path) || c.req.url.includes('?')) return;
    const session = c.get('session');
    if (!session || session.user.must_change_password || c.get('flash')) return;
    if (c.res.status !== 200 || c.res.headers.has('set-cookie')) return;
    // The page's own bytes when htmlResponse made it (no copy of the answer's stream); any other answer is read from a clone.
    const rendered = renderedBodyOf(c.res);
    const body = rendered !== undefined ? ownBytes(rendered) : Buffer.from(await c.res.clone().arrayBuffer());
    cache.store({
      csrf: c.get('csrfToken'),
      path: c.req.path,
      sessionId: session.id,
      sessionExpiresAt: session.expiresAt,
      generationAtStart,
      headers: [...c.res.headers],
      body,
    });
  };
}

