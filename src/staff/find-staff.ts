import type { Kysely } from 'kysely';
import type { Database, StaffRole } from '../db/schema.ts';
import { notFound } from '../errors.ts';

export interface StaffSummary {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  state: 'invited' | 'active' | 'disabled';
  mfaEnrolled: boolean;
  lastSignInAt: string | null;
}

/** A staff member by e-mail (any case), or 404. */
export async function findStaffByEmail(db: Kysely<Database>, email: string): Promise<StaffSummary> {
  const row = await db
    .selectFrom('staff')
    .select(['id', 'email', 'name', 'role', 'password_hash', 'disabled_at', 'totp_enrolled_at', 'last_sign_in_at'])
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!row) throw notFound();
  return {
    id: row.id, email: row.email, name: row.name, role: row.role, mfaEnrolled: row.totp_enrolled_at !== null, lastSignInAt: row.last_sign_in_at,
    state: row.disabled_at ? 'disabled' : row.password_hash === null ? 'invited' : 'active',
  };
}
