import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Growing delays after repeated attempts, counted per key. An attempt is
 * reserved BEFORE any password hash is computed, by one atomic statement
 * that adds it to the key's count and returns the new count, or refuses it
 * while the key is waiting out a delay. So a burst of 200 parallel guesses
 * gets exactly the free allowance, not 200 verifications, on SQLite and on
 * PostgreSQL alike (INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING is
 * one row-locked step on both). A success gives its reservation back.
 *
 * The first `free` attempts of a key cost nothing; the attempt that reaches
 * `free` blocks the key for 1 s, the next one for 2 s, 4 s … up to 15 min.
 * Never a permanent lock-out, and a day without attempts starts the count
 * again. Which keys an attempt counts against is password-attempt.ts's
 * business (decision 0008).
 */

export interface ThrottleKey {
  key: string;
  /** The account the key belongs to ("RUT:e-mail"), so a completed reset can clear them all; null for an address. */
  account: string | null;
  /** Attempts allowed before the first delay. */
  free: number;
}

const BASE_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 24 * 3_600_000;
/** One audit row per key and minute, however many attempts it refuses. */
const AUDIT_EVERY_MS = 60_000;

/** How long the attempt numbered `attempt` (1-based) blocks its key. */
export function delayAfter(attempt: number, free: number): number {
  if (attempt < free) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - free));
}

/** Attempt numbers past which the delay is the maximum (so the SQL below has a bounded number of branches). */
function lastGrowingAttempt(free: number): number {
  let n = free;
  while (delayAfter(n, free) < MAX_DELAY_MS) n++;
  return n;
}

/** `attempts`: the count each key reached with this attempt (in the order given), 1 for a key's first. */
export type Reservation = { ok: true; attempts: number[] } | { ok: false; refusedBy: ThrottleKey };

/**
 * Reserve one attempt on every key, or none: when a key refuses, the ones
 * already reserved are given back.
 */
export async function reserveAttempt(db: Kysely<Database>, keys: ThrottleKey[], now: Date): Promise<Reservation> {
  const reserved: ThrottleKey[] = [];
  const attempts: number[] = [];
  for (const k of keys) {
    const count = await reserveOne(db, k, now);
    if (count !== null) {
      reserved.push(k);
      attempts.push(count);
      continue;
    }
    await refundAttempt(db, reserved);
    return { ok: false, refusedBy: k };
  }
  return { ok: true, attempts };
}

async function reserveOne(db: Kysely<Database>, k: ThrottleKey, now: Date): Promise<number | null> {
  const nowIso = now.toISOString();
  const at = (attempt: number) => {
    const ms = delayAfter(attempt, k.free);
    return ms === 0 ? null : new Date(now.getTime() + ms).toISOString();
  };
  // The count this attempt makes: 1 after a day of quiet, one more otherwise.
  const next = sql<number>`(case when throttles.updated_at < ${new Date(now.getTime() - FORGET_AFTER_MS).toISOString()} then 1 else throttles.failures + 1 end)`;
  const branches = [];
  for (let n = k.free; n <= lastGrowingAttempt(k.free); n++) branches.push(sql`when ${next} = ${sql.lit(n)} then ${at(n)}`);
  const blockedUntil = sql<string | null>`(case when ${next} < ${sql.lit(k.free)} then null ${sql.join(branches, sql` `)} else ${new Date(now.getTime() + MAX_DELAY_MS).toISOString()} end)`;
  const row = await db
    .insertInto('throttles')
    .values({ key: k.key, account: k.account, failures: 1, blocked_until: at(1), updated_at: nowIso, refused: 0, audited_at: null })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ failures: next, blocked_until: blockedUntil, updated_at: nowIso })
        .where((eb) => eb.or([eb('throttles.blocked_until', 'is', null), eb('throttles.blocked_until', '<=', nowIso)])),
    )
    .returning('failures')
    .executeTakeFirst();
  return row ? Number(row.failures) : null;
}

/**
 * Give reservations back (the attempt succeeded, or another key refused
 * it). A key brought back under its allowance is no longer blocked.
 */
export async function refundAttempt(db: Kysely<Database>, keys: ThrottleKey[]): Promise<void> {
  for (const k of keys) {
    await db
      .updateTable('throttles')
      .set({
        failures: sql`(case when failures > 0 then failures - 1 else 0 end)`,
        blocked_until: sql`(case when failures - 1 < ${sql.lit(k.free)} then null else blocked_until end)`,
      })
      .where('key', '=', k.key)
      .execute();
  }
}

export async function clearKey(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('throttles').where('key', '=', key).execute();
}

/** Every key of one account: after a completed reset the owner has proved who they are. */
export async function clearAccount(db: Kysely<Database>, account: string): Promise<number> {
  const r = await db.deleteFrom('throttles').where('account', '=', account).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Count a refused attempt. Returns how many were refused since the last
 * report when it is time for one (at most once a minute per key, across
 * processes: the claim is a compare-and-swap on `audited_at`), else null.
 * This is what keeps an attacker from flooding the append-only audit log.
 */
export async function countRefusal(db: Kysely<Database>, key: string, now: Date, refusals = 1): Promise<number | null> {
  const row = await db
    .updateTable('throttles')
    .set({ refused: sql`refused + ${sql.lit(refusals)}` })
    .where('key', '=', key)
    .returning(['refused', 'audited_at'])
    .executeTakeFirst();
  if (!row) return null;
  const due = new Date(now.getTime() - AUDIT_EVERY_MS).toISOString();
  if (row.audited_at !== null && row.audited_at > due) return null;
  const claimed = await db
    .updateTable('throttles')
    .set({ audited_at: now.toISOString(), refused: sql`refused - ${sql.lit(row.refused)}` })
    .where('key', '=', key)
    .where((eb) => (row.audited_at === null ? eb('audited_at', 'is', null) : eb('audited_at', '=', row.audited_at)))
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1 ? row.refused : null;
}

/** Keys quiet for a day count from zero anyway: their rows can go. */
export async function purgeStaleThrottles(db: Kysely<Database>, now: Date): Promise<number> {
  const before = new Date(now.getTime() - FORGET_AFTER_MS).toISOString();
  const r = await db
    .deleteFrom('throttles')
    .where('updated_at', '<', before)
    .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', now.toISOString())]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
