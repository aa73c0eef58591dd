import { Hono } from 'hono';
import { recordAuditEvent } from '../../../audit/record-audit-event.ts';
import { deleteSession } from '../../../auth/session.ts';
import { clearAppCookie, setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';

export const signOutRoutes = new Hono<AppEnv>().post('/salir', async (c) => {
  const s = c.get('session');
  if (s) {
    const { db, clock } = c.get('deps');
    await db.transaction().execute(async (trx) => {
      await deleteSession(trx, s.id);
      await recordAuditEvent(trx, { action: 'sign-out', at: clock.now(), actorUserId: s.user.id, actorLabel: s.user.email, customerId: s.customer.id, ip: c.get('ip') });
    });
  }
  clearAppCookie(c, 'sid');
  setFlash(c, 'Cerró su sesión.');
  return c.redirect('/ingresar', 303);
});
