import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { clearKey } from '../auth/throttle.ts';
import { findStaffById } from './find-staff.ts';
import { authorizeStaffManager } from './authorize-staff-manager.ts';
import { codeThrottleKey } from './second-factor.ts';
import { revokeStaffSessions } from './staff-session.ts';

/**
 * Someone lost their phone and their recovery codes: their TOTP secret,
 * last step and recovery codes go, and every session of theirs ends. At
 * their next sign-in (password) they enrol a new authenticator.
 */
export async function resetStaffMfa(deps: Deps, actor: Principal, staffId: string): Promise<{ email: string; sessionsEnded: number }> {
  authorizeStaffManager(actor);
  const { db, clock } = deps;
  const staff = await findStaffById(db, staffId);
  const now = clock.now();
  const sessionsEnded = await db.transaction().execute(async (trx) => {
    await trx.updateTable('staff').set({ totp_secret: null, totp_enrolled_at: null, totp_last_step: null }).where('id', '=', staff.id).execute();
    await trx.deleteFrom('staff_recovery_codes').where('staff_id', '=', staff.id).execute();
    await clearKey(trx, codeThrottleKey(staff.id).key);
    const ended = await revokeStaffSessions(trx, staff.id);
    await recordAuditEvent(trx, { action: 'staff.mfa-reset', at: now, ...auditActor(actor), customerId: null, targetLabel: staff.email, detail: { staffId: staff.id, sessionsEnded: ended } });
    return ended;
  });
  return { email: staff.email, sessionsEnded };
}
