import { Hono } from 'hono';
import { recordAuditEvent } from '../../../audit/record-audit-event.ts';
import { deleteStaffSession } from '../../../staff/staff-session.ts';
import { clearAppCookie, setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { STAFF_SIGN_IN } from '../require-staff.ts';

/** Open to a half-open session too: someone stuck at the second factor can always leave. */
export const staffSignOutRoutes = new Hono<AppEnv>().post('/salir', async (c) => {
  const s = c.get('staffSession');
  if (s) {
    const { db, clock } = c.get('deps');
    await db.transaction().execute(async (trx) => {
      await deleteStaffSession(trx, s.id);
      await recordAuditEvent(trx, {
        action: 'staff.sign-out', at: clock.now(), actorKind: 'staff', actorUserId: null, actorStaffId: s.staff.id, actorLabel: s.staff.email, customerId: null, ip: c.get('ip'),
      });
    });
  }
  clearAppCookie(c, 'staff');
  setFlash(c, 'Cerró su sesión en la consola.', 'staff_flash');
  return c.redirect(STAFF_SIGN_IN, 303);
});
