import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database, StaffRole } from '../db/schema.ts';
import { hashToken, newToken } from '../auth/token.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { staffInvitationMail } from '../mail/templates/staff-invitation-mail.tsx';

/**
 * In the query string, not the path: the request log records every path
 * (and a path can be kept by proxies and error pages alike), never the
 * query, as for the customers' reset links.
 */
export const invitationPath = (token: string) => `/proveedor/invitacion?token=${encodeURIComponent(token)}`;

/**
 * A new invitation link for a staff member who has not chosen a password
 * yet, queued by mail in the caller's transaction. Earlier links stop
 * working. The token exists only in the mail (its outbox secret, erased once
 * sent); the table keeps its SHA-256.
 */
export async function issueStaffInvitation(
  trx: Kysely<Database>,
  config: Config,
  staff: { id: string; email: string; name: string; role: StaffRole },
  invitedBy: string,
  now: Date,
  resent: boolean,
  /** The member had a password (forgotten): the mail says a new one is chosen, the second factor unchanged. */
  passwordReset = false,
): Promise<void> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + config.staffInvitationMs);
  await trx.deleteFrom('staff_invitations').where('staff_id', '=', staff.id).execute();
  await trx
    .insertInto('staff_invitations')
    .values({ token_hash: hashToken(token), staff_id: staff.id, created_at: now.toISOString(), expires_at: expiresAt.toISOString(), used_at: null })
    .execute();
  await enqueueMail(
    trx,
    staffInvitationMail({ brand: config.brand, to: staff.email, name: staff.name, role: staff.role, link: `${config.publicUrl}${invitationPath(token)}`, expiresAt, invitedBy, resent, passwordReset }),
    now,
  );
}
