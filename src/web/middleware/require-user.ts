import type { Context, MiddlewareHandler } from 'hono';
import type { LoadedSession } from '../../auth/session.ts';
import { authorize, type Action } from '../../policies/policy.ts';
import type { AppEnv } from '../env.ts';

/** Pages for signed-in people: others go to the sign-in page, then come back. */
export function requireUser(action: Action): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = c.get('session');
    if (!session) {
      const back = c.req.method === 'GET' ? `?volver=${encodeURIComponent(c.req.path)}` : '';
      return c.redirect(`/ingresar${back}`, 303);
    }
    authorize(session.user.role, action);
    await next();
  };
}

/** The session a guarded route runs under (requireUser ran before it). */
export function sessionOf(c: Context<AppEnv>): LoadedSession {
  const s = c.get('session');
  if (!s) throw new Error('route without requireUser');
  return s;
}
