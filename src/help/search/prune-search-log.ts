import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { addDays, vendorToday } from '../../domain/contracts.ts';

/** Days of searches the analytics keep: a year and a bit, so a year can be compared with the last. */
export const SEARCH_LOG_RETENTION_DAYS = 400;

/** Drop searches older than the retention and allowances of days that are over (the scheduler runs it). */
export async function pruneSearchLog(db: Kysely<Database>, now: Date, retentionDays = SEARCH_LOG_RETENTION_DAYS): Promise<{ searches: number }> {
  const today = vendorToday(now);
  const r = await db.deleteFrom('help_search_log').where('day', '<', addDays(today, -retentionDays)).executeTakeFirst();
  await db.deleteFrom('help_search_log_allowance').where('day', '<', today).execute();
  return { searches: Number(r.numDeletedRows) };
}
