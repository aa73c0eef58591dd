import type { Kysely } from 'kysely';
import type { Database, StaffRole } from '../db/schema.ts';
import { isUuid } from '../customers/find-customer.ts';
import { notFound } from '../errors.ts';

export interface StaffRef {
  id: string;
  email: string;
}

/** A staff member by e-mail (any case), or 404: how the CLI names the person an operation (which takes an id) acts on. */
export async function findStaffByEmail(db: Kysely<Database>, email: string): Promise<StaffRef> {
  const row = await db.selectFrom('staff').select(['id', 'email']).where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export interface StaffRow {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  disabled_at: string | null;
  password_hash: string | null;
  totp_enrolled_at: string | null;
}

/** The staff member an operation acts on, by the id from the URL; unknown ids answer 404. */
export async function findStaffById(db: Kysely<Database>, staffId: string): Promise<StaffRow> {
  // Anything but a UUID names nobody (and a NUL is an error on PostgreSQL).
  if (!isUuid(staffId)) throw notFound();
  const row = await db
    .selectFrom('staff')
    .select(['id', 'email', 'name', 'role', 'disabled_at', 'password_hash', 'totp_enrolled_at'])
    .where('id', '=', staffId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}
