import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, principalName, principalRef, type Principal } from '../auth/principal.ts';
import { fieldErrors, NewUserFields } from '../customers/user-fields.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { ValidationError } from '../errors.ts';
import { STAFF_ROLES } from '../policies/staff-policy.ts';
import type { StaffRole } from '../db/schema.ts';
import { authorizeStaffManager } from './authorize-staff-manager.ts';
import { issueStaffInvitation } from './staff-invitation.ts';

/** A new staff member: the console's "Invitar" form and `portal staff create` alike. */
export const InviteStaffInput = z.object({
  email: NewUserFields.shape.email,
  name: NewUserFields.shape.name,
  role: z.enum(STAFF_ROLES as [StaffRole, ...StaffRole[]], { error: 'Elija un perfil: admin, soporte, editor o lectura.' }),
});

export type InviteStaffInput = z.input<typeof InviteStaffInput>;

export const DUPLICATE_STAFF_EMAIL = 'Ya hay una persona del personal con ese correo.';

/**
 * Create a staff member without a password and mail them a single-use
 * invitation link (STAFF_INVITATION_HOURS) to choose one; the second factor
 * is enrolled at their first sign-in.
 */
export async function inviteStaff(deps: Deps, actor: Principal, input: InviteStaffInput): Promise<{ staffId: string }> {
  authorizeStaffManager(actor);
  const parsed = InviteStaffInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const { email, name, role } = parsed.data;
  const { db, clock, config } = deps;
  const now = clock.now();
  const staffId = randomUUID();
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('staff')
        .values({
          id: staffId, email, name, role, password_hash: null, password_changed_at: null, totp_secret: null, totp_enrolled_at: null,
          totp_last_step: null, disabled_at: null, last_sign_in_at: null, created_by: principalRef(actor), created_at: now.toISOString(),
        })
        .execute();
      await issueStaffInvitation(trx, config, { id: staffId, email, name, role }, invitedBy(actor, config.brand.vendor), now, false);
      await recordAuditEvent(trx, { action: 'staff.invited', at: now, ...auditActor(actor), customerId: null, targetLabel: email, detail: { staffId, role, name } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError({ email: DUPLICATE_STAFF_EMAIL });
    throw err;
  }
  deps.mailQueued();
  return { staffId };
}

/** How the mail names who invited: a person by name, the terminal as the vendor. */
export function invitedBy(actor: Principal, vendor: string): string {
  return actor.kind === 'staff' ? `${principalName(actor)} (${vendor})` : vendor;
}
