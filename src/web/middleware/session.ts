import type { MiddlewareHandler } from 'hono';
import { loadSession } from '../../auth/session.ts';
import { clearAppCookie, readAppCookie, takeFlash } from '../cookies.ts';
import type { AppEnv } from '../env.ts';

/** Loads the signed-in user, if any; a dead session's cookie is cleared. */
export const sessionLoader: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = readAppCookie(c, 'sid');
  if (token) {
    const { db, clock, config, caches } = c.get('deps');
    // Kept across requests (auth/session.ts says what empties it), vouched for by the request's one barrier.
    const session = await loadSession(db, token, clock.now(), { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs }, { caches, since: c.get('arrivedAt') });
    if (session) c.set('session', session);
    else clearAppCookie(c, 'sid');
  }
  takeFlash(c);
  await next();
};
