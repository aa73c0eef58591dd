import type { Kysely } from 'kysely';
import type { Database, StaffRole } from '../db/schema.ts';

/**
 * invited: the invitation is not accepted yet (no password); pending-enrolment:
 * a password but no TOTP yet; active; disabled.
 */
export type StaffState = 'invited' | 'pending-enrolment' | 'active' | 'disabled';

export interface StaffListItem {
  id: string;
  name: string;
  email: string;
  role: StaffRole;
  state: StaffState;
  mfaEnrolled: boolean;
  lastSignInAt: string | null;
  /** For an invited member: when their newest unused invitation expires (null: none left). */
  invitationExpiresAt: string | null;
  createdAt: string;
}

export function staffState(s: { disabled_at: string | null; password_hash: string | null; totp_enrolled_at: string | null }): StaffState {
  if (s.disabled_at) return 'disabled';
  if (s.password_hash === null) return 'invited';
  return s.totp_enrolled_at === null ? 'pending-enrolment' : 'active';
}

/** Every staff member, administrators first, then by name; one query (the invitation's expiry as a subquery). */
export async function listStaff(db: Kysely<Database>): Promise<StaffListItem[]> {
  const rows = await db
    .selectFrom('staff')
    .select((eb) => [
      'staff.id', 'staff.name', 'staff.email', 'staff.role', 'staff.disabled_at', 'staff.password_hash', 'staff.totp_enrolled_at',
      'staff.last_sign_in_at', 'staff.created_at',
      eb
        .selectFrom('staff_invitations')
        .select((i) => i.fn.max('staff_invitations.expires_at').as('e'))
        .whereRef('staff_invitations.staff_id', '=', 'staff.id')
        .where('staff_invitations.used_at', 'is', null)
        .as('invitation_expires_at'),
    ])
    .orderBy((eb) => eb.case().when('staff.role', '=', 'admin').then(0).else(1).end())
    .orderBy('staff.name')
    .orderBy('staff.email')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    state: staffState(r),
    mfaEnrolled: r.totp_enrolled_at !== null,
    lastSignInAt: r.last_sign_in_at,
    invitationExpiresAt: (r.invitation_expires_at as string | null) ?? null,
    createdAt: r.created_at,
  }));
}
