import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import { findStaffById } from './find-staff.ts';
import { authorizeStaffManager } from './authorize-staff-manager.ts';
import { invitedBy } from './invite-staff.ts';
import { issueStaffInvitation } from './staff-invitation.ts';

export const INVITATION_ALREADY_ACCEPTED = 'Esta persona ya eligió su clave: no tiene una invitación pendiente.';

/** A new invitation link for a staff member who has not accepted theirs; the previous link stops working. */
export async function resendStaffInvitation(deps: Deps, actor: Principal, staffId: string): Promise<{ email: string }> {
  authorizeStaffManager(actor);
  const { db, clock, config } = deps;
  const staff = await findStaffById(db, staffId);
  if (staff.password_hash !== null) throw new AppError(409, 'staff-invitation-accepted', INVITATION_ALREADY_ACCEPTED);
  if (staff.disabled_at !== null) throw new AppError(409, 'staff-disabled', 'Esta persona está deshabilitada. Habilítela antes de reenviar su invitación.');
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    // Only while still pending: an acceptance between the read and here leaves nothing to resend.
    const pending = await trx.selectFrom('staff').select('id').where('id', '=', staff.id).where('password_hash', 'is', null).executeTakeFirst();
    if (!pending) throw new AppError(409, 'staff-invitation-accepted', INVITATION_ALREADY_ACCEPTED);
    // A member who already has a second factor is choosing a new password (sendStaffPasswordLink), not accepting an invitation.
    await issueStaffInvitation(trx, config, staff, invitedBy(actor, config.brand.vendor), now, true, staff.totp_enrolled_at !== null);
    await recordAuditEvent(trx, { action: 'staff.invitation-resent', at: now, ...auditActor(actor), customerId: null, targetLabel: staff.email, detail: { staffId: staff.id } });
  });
  deps.mailQueued();
  return { email: staff.email };
}
