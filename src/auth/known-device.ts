import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { hashToken, newToken } from './token.ts';

/**
 * A browser that has signed in to an account before. Its cookie holds a
 * random token (stored only as its SHA-256), tied to each user who signed in
 * with it. Attempts from a known device count against a budget of their own
 * (password-attempt.ts), so an attacker elsewhere cannot lock its owner out.
 */

/** How many devices one user keeps; the least recently used go first. */
const MAX_DEVICES_PER_USER = 20;
export const DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

export function isDeviceToken(token: string | undefined | null): token is string {
  return typeof token === 'string' && /^[\w-]{43}$/.test(token);
}

/** The device's hash when this browser has signed in as the user before, else null. */
export async function knownDevice(db: Kysely<Database>, token: string | null, userId: string | undefined): Promise<string | null> {
  if (!isDeviceToken(token) || !userId) return null;
  const hash = hashToken(token);
  const row = await db.selectFrom('known_devices').select('device_hash').where('device_hash', '=', hash).where('user_id', '=', userId).executeTakeFirst();
  return row ? hash : null;
}

/**
 * After a successful sign-in: remember the device under a NEW token, and
 * move whatever the old token was known for (other accounts signed in from
 * this browser, an accountant's several customers) to it. The token is
 * always the server's own: a value planted in a browser beforehand (a
 * shared computer, a cookie set from a sibling site over http) stops working
 * at the owner's next sign-in instead of becoming a key to the owner's
 * known-device budget. Returns the token for the cookie.
 */
export async function rememberDevice(trx: Kysely<Database>, token: string | null, userId: string, now: Date): Promise<string> {
  const value = newToken();
  const at = now.toISOString();
  if (isDeviceToken(token)) {
    await trx.updateTable('known_devices').set({ device_hash: hashToken(value) }).where('device_hash', '=', hashToken(token)).execute();
  }
  await trx
    .insertInto('known_devices')
    .values({ device_hash: hashToken(value), user_id: userId, created_at: at, last_used_at: at })
    .onConflict((oc) => oc.columns(['device_hash', 'user_id']).doUpdateSet({ last_used_at: at }))
    .execute();
  // Past the cap the least recently used go, in the same statement that finds them.
  await trx
    .deleteFrom('known_devices')
    .where('user_id', '=', userId)
    .where('device_hash', 'not in', trx.selectFrom('known_devices').select('device_hash').where('user_id', '=', userId).orderBy('last_used_at', 'desc').limit(MAX_DEVICES_PER_USER))
    .execute();
  return value;
}
