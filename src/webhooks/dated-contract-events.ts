import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { addDays, ENDING_SOON_DAYS, vendorToday } from '../domain/contracts.ts';
import { contractStartedKey } from './contract-event-keys.ts';
import { emitContractEnded, emitContractEnding, emitContractEvent } from './webhook-subjects.ts';

export interface DatedEventsOptions {
  catchUpDays: number;
  /** The lease was lost or the scheduler stops: stop at the next contract. */
  signal?: AbortSignal;
}

export interface DatedEventsResult {
  started: number;
  ending: number;
  ended: number;
}

type Candidate = { id: string; starts_on: string; ends_on: string | null; created_at: string };

/** Contracts whose `prefix` event for `day` (a column) is not written yet. */
function withoutEvent(db: Kysely<Database>, prefix: string, day: 'starts_on' | 'ends_on') {
  return db
    .selectFrom('contracts as k')
    .select(['k.id', 'k.starts_on', 'k.ends_on', 'k.created_at'])
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('webhook_events as e').select('e.id').where(sql<boolean>`e.dedupe_key = ${prefix} || k.id || ':' || ${sql.ref(`k.${day}`)}`))),
    );
}

/**
 * The events no request causes: a contract's first day (contract.started),
 * its last 30 days (contract.ending) and the day after its last
 * (contract.ended), all days in America/Santiago. The scheduler runs this
 * every few minutes on one instance at a time (a `once` job); each event
 * also has a dedupe key (contract, day), taken by the event's unique index in
 * the transaction that writes it, so two instances, two runs or a run and an
 * explicit end (end-contract.ts) can never write it twice.
 *
 * After downtime: what fell due while the portal was down is sent at the
 * first run back, as long as it fell due within the last `catchUpDays`
 * (WEBHOOK_CATCH_UP_DAYS, 7 by default). The bound keeps a first start, or a
 * restore of an old backup, from announcing every contract of the last years;
 * and a contract recorded after its first (or last) day has passed is told
 * by contract.created alone (its dates are in it), not as a late "started".
 */
export async function emitDatedContractEvents(db: Kysely<Database>, now: Date, o: DatedEventsOptions): Promise<DatedEventsResult> {
  const today = vendorToday(now);
  const floor = addDays(today, -o.catchUpDays);
  const result: DatedEventsResult = { started: 0, ending: 0, ended: 0 };
  // The day a contract was recorded on, in Santiago: a day already past then is not announced as it comes.
  const recordedOn = (k: Candidate) => vendorToday(new Date(k.created_at));

  const starting = (await withoutEvent(db, 'contract.started:', 'starts_on').where('k.starts_on', '<=', today).where('k.starts_on', '>=', floor).orderBy('k.starts_on').execute())
    .filter((k) => k.starts_on >= recordedOn(k));
  for (const k of starting) {
    if (o.signal?.aborted) return result;
    const id = await db.transaction().execute((trx) => emitContractEvent(trx, 'contract.started', k.id, now, { dedupeKey: contractStartedKey(k.id, k.starts_on) }));
    if (id) result.started++;
  }

  // In force today with ENDING_SOON_DAYS or fewer left: bounded by itself (a contract past its last day is no longer "ending").
  const ending = await withoutEvent(db, 'contract.ending:', 'ends_on')
    .where('k.starts_on', '<=', today)
    .where('k.ends_on', '>=', today)
    .where('k.ends_on', '<=', addDays(today, ENDING_SOON_DAYS))
    .orderBy('k.ends_on')
    .execute();
  for (const k of ending) {
    if (o.signal?.aborted) return result;
    // Its end moved since the read above: nothing now, the next run looks at it under its new key.
    const id = await db.transaction().execute((trx) => emitContractEnding(trx, k.id, k.ends_on!, today, now));
    if (id) result.ending++;
  }

  // Ended: the day after the last one is today or fell within the catch-up days.
  const ended = (await withoutEvent(db, 'contract.ended:', 'ends_on').where('k.ends_on', '<', today).where('k.ends_on', '>=', addDays(floor, -1)).orderBy('k.ends_on').execute())
    .filter((k) => k.ends_on! >= recordedOn(k));
  for (const k of ended) {
    if (o.signal?.aborted) return result;
    const id = await db.transaction().execute((trx) => emitContractEnded(trx, k.id, k.ends_on!, now));
    if (id) result.ended++;
  }
  return result;
}
