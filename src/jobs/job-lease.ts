import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * A lease on a named job in job_leases: while it is held and unexpired, no
 * other instance runs that job. Timestamps come from the caller's clock (the
 * same clock the outbox leases use), so instances need clocks in step to
 * well under the lease (NTP does it by orders of magnitude).
 *
 * Every acquisition writes a fresh token; renewing and releasing match it,
 * so a holder that paused past its expiry and was replaced can neither
 * extend nor delete its successor's lease: its renewal answers false and it
 * stops.
 */

/**
 * Take the lease on `name` if nobody holds it or its holder let it expire
 * (killed, stuck): the token of this acquisition, or undefined. One
 * statement, an upsert that overwrites only an expired row, so two
 * instances asking at once cannot both win on either database.
 */
export async function acquireJobLease(db: Kysely<Database>, name: string, holder: string, now: Date, ttlMs: number): Promise<string | undefined> {
  const token = randomUUID();
  const at = now.toISOString();
  const expires = new Date(now.getTime() + ttlMs).toISOString();
  const row = await db
    .insertInto('job_leases')
    .values({ name, holder, token, acquired_at: at, expires_at: expires })
    .onConflict((oc) => oc.column('name').doUpdateSet({ holder, token, acquired_at: at, expires_at: expires }).where('job_leases.expires_at', '<=', at))
    .returning('token')
    .executeTakeFirst();
  return row?.token === token ? token : undefined;
}

/**
 * Push the expiry on while the job runs. False: the lease is someone else's
 * now (or gone). An expired lease nobody took is still ours to renew: the
 * work never overlapped.
 */
export async function renewJobLease(db: Kysely<Database>, name: string, token: string, now: Date, ttlMs: number): Promise<boolean> {
  const r = await db
    .updateTable('job_leases')
    .set({ expires_at: new Date(now.getTime() + ttlMs).toISOString() })
    .where('name', '=', name)
    .where('token', '=', token)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Give the lease up at once (the run is over), so the next turn on any instance need not wait for the expiry. */
export async function releaseJobLease(db: Kysely<Database>, name: string, token: string): Promise<void> {
  await db.deleteFrom('job_leases').where('name', '=', name).where('token', '=', token).execute();
}

/** Who holds `name` now (its token) and until when; undefined when nobody does. */
export async function readJobLease(db: Kysely<Database>, name: string): Promise<{ token: string; expires_at: string } | undefined> {
  return db.selectFrom('job_leases').select(['token', 'expires_at']).where('name', '=', name).executeTakeFirst();
}
