import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { revokeStaffSessions } from './staff-session.ts';

/** The throttle's account for a staff member: never equal to a customer's "RUT:e-mail". */
export const staffAccountId = (email: string) => `staff:${email}`;

/**
 * A staff member's new password. Every session of theirs ends: whoever held
 * one signs in again with the new password (and the second factor).
 */
export async function setStaffPassword(trx: Kysely<Database>, staffId: string, passwordHash: string, now: Date): Promise<void> {
  await trx.updateTable('staff').set({ password_hash: passwordHash, password_changed_at: now.toISOString() }).where('id', '=', staffId).execute();
  await revokeStaffSessions(trx, staffId);
}

/**
 * The password stops working (forgotten, or feared known) until a new one is
 * chosen through a mailed link; every session ends. False when there was no
 * password to clear (already cleared by someone else at the same moment).
 */
export async function clearStaffPassword(trx: Kysely<Database>, staffId: string, now: Date): Promise<boolean> {
  const r = await trx
    .updateTable('staff')
    .set({ password_hash: null, password_changed_at: now.toISOString() })
    .where('id', '=', staffId)
    .where('password_hash', 'is not', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await revokeStaffSessions(trx, staffId);
  return true;
}
