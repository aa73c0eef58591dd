import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Delete the Idempotency-Key rows whose 24 hours are over: a key past its
 * expiry already runs again (idempotency.ts takes its row over), so the row
 * is only a stored answer nobody can get back any more. A row still running
 * is never older than its expiry.
 */
export async function purgeIdempotencyKeys(db: Kysely<Database>, now: Date): Promise<number> {
  const r = await db.deleteFrom('api_idempotency_keys').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
