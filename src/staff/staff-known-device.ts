import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { isDeviceToken } from '../auth/known-device.ts';
import { hashToken, newToken } from '../auth/token.ts';

/**
 * The console's known devices (cookie `staff_device`): the same rule as the
 * customers' (auth/known-device.ts) on a table of its own, since a staff
 * member is not a row of `users`. A browser that signed in as this staff
 * member before has its own throttle budget, so an attacker elsewhere cannot
 * keep the owner out. The token is always a new one of the server's.
 */

const MAX_DEVICES_PER_STAFF = 10;

/** The device's hash when this browser signed in as the staff member before, else null. */
export async function staffKnownDevice(db: Kysely<Database>, token: string | null, staffId: string | undefined): Promise<string | null> {
  if (!isDeviceToken(token) || !staffId) return null;
  const hash = hashToken(token);
  const row = await db.selectFrom('staff_known_devices').select('device_hash').where('device_hash', '=', hash).where('staff_id', '=', staffId).executeTakeFirst();
  return row ? hash : null;
}

/** After a right password: the device remembered under a NEW token (what the old one was known for moves to it). */
export async function rememberStaffDevice(trx: Kysely<Database>, token: string | null, staffId: string, now: Date): Promise<string> {
  const value = newToken();
  const at = now.toISOString();
  if (isDeviceToken(token)) {
    await trx.updateTable('staff_known_devices').set({ device_hash: hashToken(value) }).where('device_hash', '=', hashToken(token)).execute();
  }
  await trx
    .insertInto('staff_known_devices')
    .values({ device_hash: hashToken(value), staff_id: staffId, created_at: at, last_used_at: at })
    .onConflict((oc) => oc.columns(['device_hash', 'staff_id']).doUpdateSet({ last_used_at: at }))
    .execute();
  await trx
    .deleteFrom('staff_known_devices')
    .where('staff_id', '=', staffId)
    .where('device_hash', 'not in', trx.selectFrom('staff_known_devices').select('device_hash').where('staff_id', '=', staffId).orderBy('last_used_at', 'desc').limit(MAX_DEVICES_PER_STAFF))
    .execute();
  return value;
}
