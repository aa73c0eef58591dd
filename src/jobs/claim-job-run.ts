import { hostname } from 'node:os';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Which process claimed a run, for the operator reading job_runs. */
export const INSTANCE_LABEL = `${hostname()}:${process.pid}`;

/**
 * Claim the run named `key` ("help-digest:2026-W49"): true for the first
 * caller on any instance, false for every other. Call it in the transaction
 * that does the work, so a run that fails leaves no claim behind.
 */
export async function claimJobRun(trx: Kysely<Database> | Transaction<Database>, key: string, now: Date): Promise<boolean> {
  const inserted = await trx
    .insertInto('job_runs')
    .values({ key, claimed_at: now.toISOString(), claimed_by: INSTANCE_LABEL, finished_at: null })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}
