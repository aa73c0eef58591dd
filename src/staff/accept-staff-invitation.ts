import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { newPasswordErrors } from '../auth/new-password.ts';
import { hashToken } from '../auth/token.ts';
import { AppError, ValidationError } from '../errors.ts';
import { createStaffSession } from './staff-session.ts';
import { setStaffPassword, staffAccountId } from './staff-credentials.ts';
import { clearAccount } from '../auth/throttle.ts';

export const INVITATION_INVALID =
  'Este enlace de invitación ya se usó, venció o fue reemplazado por uno más reciente. Pida a un administrador de la consola que le envíe una nueva invitación.';
export const invitationInvalid = () => new AppError(410, 'staff-invitation-invalid', INVITATION_INVALID);

export interface InvitedStaff {
  staffId: string;
  email: string;
  name: string;
}

/** Who an invitation link is for, or a 410 when it is unknown, used, expired, replaced, or its staff member disabled. */
export async function findStaffInvitation(deps: Deps, token: string): Promise<InvitedStaff> {
  if (!token || token.length > 100) throw invitationInvalid();
  const row = await deps.db
    .selectFrom('staff_invitations')
    .innerJoin('staff', 'staff.id', 'staff_invitations.staff_id')
    .select(['staff.id', 'staff.email', 'staff.name', 'staff.disabled_at', 'staff.password_hash', 'staff_invitations.expires_at', 'staff_invitations.used_at'])
    .where('staff_invitations.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.used_at || row.disabled_at || row.password_hash !== null || row.expires_at <= deps.clock.now().toISOString()) throw invitationInvalid();
  return { staffId: row.id, email: row.email, name: row.name };
}

export interface AcceptInvitationInput {
  token: string;
  next: string;
  repeat: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * The invited person chooses their password (the customers' rules). The
 * link is claimed by a compare-and-swap on used_at inside the transaction,
 * so of two submissions at once exactly one succeeds. Returns the token of a
 * half-open session: the second factor is still to be enrolled.
 */
export async function acceptStaffInvitation(deps: Deps, input: AcceptInvitationInput): Promise<{ token: string; staffId: string }> {
  const { db, clock, hasher, config } = deps;
  const invited = await findStaffInvitation(deps, input.token);
  const errors = newPasswordErrors(input.next, input.repeat, { rut: '', email: invited.email, customerName: config.brand.vendor, userName: invited.name }, config.brand);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const hash = await hasher.hash(input.next);
  const now = clock.now();
  const token = await db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('staff_invitations')
      .set({ used_at: now.toISOString() })
      .where('token_hash', '=', hashToken(input.token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw invitationInvalid();
    await setStaffPassword(trx, invited.staffId, hash, now);
    await trx.deleteFrom('staff_invitations').where('staff_id', '=', invited.staffId).where('used_at', 'is', null).execute();
    await clearAccount(trx, staffAccountId(invited.email));
    await recordAuditEvent(trx, {
      action: 'staff.invitation-accepted', at: now, actorKind: 'staff', actorUserId: null, actorStaffId: invited.staffId, actorLabel: invited.email,
      customerId: null, targetLabel: invited.email, ip: input.ip,
    });
    return createStaffSession(trx, invited.staffId, now, { idleMs: config.staffSessionIdleMs, absoluteMs: config.staffSessionAbsoluteMs }, { ip: input.ip, userAgent: input.userAgent });
  });
  return { token, staffId: invited.staffId };
}
