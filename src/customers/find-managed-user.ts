import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';

/**
 * A user of the actor's own customer, or 404: another customer's ids look
 * exactly like ids that do not exist.
 */
export async function findManagedUser(db: Kysely<Database>, customerId: string, userId: string) {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).where('customer_id', '=', customerId).executeTakeFirst();
  if (!user) throw notFound();
  return user;
}
