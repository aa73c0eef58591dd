import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Delete the mail sent or given up on before `before`: its bodies (names,
 * addresses, what happened to whom) are kept for a while for the operator,
 * not forever. Mail still waiting is never touched, however old. Who was sent
 * credentials or a reset link stays in the audit trail.
 */
export async function purgeOutbox(db: Kysely<Database>, before: Date): Promise<number> {
  const cutoff = before.toISOString();
  const r = await db
    .deleteFrom('outbox')
    .where((eb) => eb.or([eb('sent_at', '<', cutoff), eb('dead_at', '<', cutoff)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
