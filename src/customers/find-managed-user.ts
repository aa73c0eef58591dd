import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError, notFound } from '../errors.ts';

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A user of the actor's own customer, or 404: another customer's ids look
 * exactly like ids that do not exist.
 */
export async function findManagedUser(db: Kysely<Database>, customerId: string, userId: string) {
  // Ids are UUIDs. Anything else (a typed URL, "%00", which PostgreSQL refuses
  // in text with an error) is simply not a user.
  if (!USER_ID.test(userId)) throw notFound();
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).where('customer_id', '=', customerId).executeTakeFirst();
  if (!user) throw notFound();
  return user;
}

/**
 * A technical user of the actor's customer. Administrators themselves are
 * managed by the vendor (operator CLI), never from the users page.
 */
export async function findManagedTechnicalUser(db: Kysely<Database>, customerId: string, userId: string) {
  const user = await findManagedUser(db, customerId, userId);
  if (user.role !== 'technical') throw new AppError(403, 'not-technical', 'Sólo puede administrar usuarios con perfil técnico.');
  return user;
}
