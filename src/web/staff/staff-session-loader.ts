import type { MiddlewareHandler } from 'hono';
import { loadStaffSession } from '../../staff/staff-session.ts';
import { clearAppCookie, readAppCookie, takeFlash } from '../cookies.ts';
import type { AppEnv } from '../env.ts';

/** Loads the staff member behind the console's own cookie, if any; a dead session's cookie is cleared. */
export const staffSessionLoader: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('staffSession', null);
  const token = readAppCookie(c, 'staff');
  if (token) {
    const { db, clock, config } = c.get('deps');
    const session = await loadStaffSession(db, token, clock.now(), { idleMs: config.staffSessionIdleMs, absoluteMs: config.staffSessionAbsoluteMs });
    if (session) c.set('staffSession', session);
    else clearAppCookie(c, 'staff');
  }
  takeFlash(c, 'staff_flash');
  await next();
};
