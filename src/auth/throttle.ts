import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Growing delays after repeated failures, per account and per address:
 * the first FREE_FAILURES cost nothing, then each failure doubles the wait
 * (1 s, 2 s, 4 s … up to 15 min). Never a permanent lock-out: an attacker
 * cannot lock a real user out for long, and a success clears the account.
 * Checked before any password hash is computed.
 */
export const FREE_FAILURES = 5;
// One address may be a whole office behind NAT: it gets more room than one account.
export const FREE_FAILURES_PER_ADDRESS = 20;
const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 24 * 3_600_000;

export function delayAfter(failures: number, free = FREE_FAILURES): number {
  if (failures < free) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - free));
}

export const accountKey = (scope: string, rut: string, email: string) => `${scope}:acct:${rut}:${email}`;
export const addressKey = (scope: string, ip: string) => `${scope}:ip:${ip}`;

/** True when any of the keys is still waiting out its delay. */
export async function isThrottled(db: Kysely<Database>, keys: string[], now: Date): Promise<boolean> {
  const rows = await db.selectFrom('throttles').select(['blocked_until']).where('key', 'in', keys).execute();
  return rows.some((r) => r.blocked_until !== null && r.blocked_until > now.toISOString());
}

export async function recordFailure(db: Kysely<Database>, keys: string[], now: Date): Promise<void> {
  for (const key of keys) {
    const row = await db.selectFrom('throttles').select(['failures', 'updated_at']).where('key', '=', key).executeTakeFirst();
    // A day without failures starts the count again.
    const stale = row && Date.parse(row.updated_at) + FORGET_AFTER_MS < now.getTime();
    const failures = (row && !stale ? row.failures : 0) + 1;
    const delay = delayAfter(failures, key.includes(':ip:') ? FREE_FAILURES_PER_ADDRESS : FREE_FAILURES);
    const blocked = delay > 0 ? new Date(now.getTime() + delay).toISOString() : null;
    await db
      .insertInto('throttles')
      .values({ key, failures, blocked_until: blocked, updated_at: now.toISOString() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ failures, blocked_until: blocked, updated_at: now.toISOString() }))
      .execute();
  }
}

export async function clearFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('throttles').where('key', '=', key).execute();
}
