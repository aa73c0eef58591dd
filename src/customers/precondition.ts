import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * A condition a change must still meet at the moment it is made: the API's
 * If-Match ("change it only if it is still the version I read"). The
 * operation calls it inside its transaction, after locking the rows the
 * condition reads, so nothing can change them between the check and the
 * write; it throws to refuse, and the transaction then writes nothing.
 */
export type Precondition = (trx: Kysely<Database>) => Promise<void>;

/**
 * Take a user's row lock (PostgreSQL; SQLite's transaction already holds the
 * write lock): every change to what a user looks like (its state, sign-ins,
 * help scope) writes this row or waits for it. False when the user is gone.
 */
export async function lockUser(trx: Kysely<Database>, userId: string): Promise<boolean> {
  const r = await trx.updateTable('users').set((eb) => ({ id: eb.ref('id') })).where('id', '=', userId).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
