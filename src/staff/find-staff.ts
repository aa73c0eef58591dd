import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
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
