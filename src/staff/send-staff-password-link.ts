import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { findStaffById } from './find-staff.ts';
import { AppError } from '../errors.ts';
import { authorizeStaffManager } from './authorize-staff-manager.ts';
import { invitedBy } from './invite-staff.ts';
import { clearStaffPassword } from './staff-credentials.ts';
import { issueStaffInvitation } from './staff-invitation.ts';

export const NO_PASSWORD_YET = 'Esta persona todavía no eligió su clave: reenvíele la invitación.';

/**
 * A staff member forgot their password (or it may be known to someone
 * else): the password stops working at once, their sessions end, and a
 * single-use link to choose a new one goes by mail (the invitation's, valid
 * STAFF_INVITATION_HOURS). The second factor stays as it is, so the link
 * alone opens nothing: after the new password the console asks for the code.
 */
export async function sendStaffPasswordLink(deps: Deps, actor: Principal, staffId: string): Promise<{ email: string }> {
  authorizeStaffManager(actor);
  const { db, clock, config } = deps;
  if (actor.kind === 'staff' && actor.staffId === staffId) {
    throw new AppError(409, 'staff-self', 'No puede enviarse a usted mismo un enlace para nueva clave desde aquí: cerraría su propia sesión.');
  }
  const staff = await findStaffById(db, staffId);
  if (staff.disabled_at !== null) throw new AppError(409, 'staff-disabled', 'Esta persona está deshabilitada. Habilítela antes de enviarle un enlace para nueva clave.');
  if (staff.password_hash === null) throw new AppError(409, 'staff-no-password', NO_PASSWORD_YET);
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    // A compare-and-swap: of two at once, one clears the password and mails the link; the other is told.
    if (!(await clearStaffPassword(trx, staff.id, now))) throw new AppError(409, 'staff-no-password', NO_PASSWORD_YET);
    await issueStaffInvitation(trx, config, staff, invitedBy(actor, config.brand.vendor), now, false, staff.totp_enrolled_at !== null);
    await recordAuditEvent(trx, { action: 'staff.password-link-sent', at: now, ...auditActor(actor), customerId: null, targetLabel: staff.email, detail: { staffId: staff.id } });
  });
  deps.mailQueued();
  return { email: staff.email };
}
