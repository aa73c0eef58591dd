import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/schema.ts';
import { AppError, notFound } from '../errors.ts';
import { authorizeManageUser } from '../policies/manage-user-policy.ts';
import { isUuid } from './find-customer.ts';

/** A user named by its customer and its own id: the customer admin's pages pass their own customer, the console the one in its URL. */
export interface UserRef {
  customerId: string;
  userId: string;
}

/**
 * A user of the actor's own customer, or 404: another customer's ids look
 * exactly like ids that do not exist.
 */
export async function findManagedUser(db: Kysely<Database>, customerId: string, userId: string) {
  if (!isUuid(userId) || !isUuid(customerId)) throw notFound();
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).where('customer_id', '=', customerId).executeTakeFirst();
  if (!user) throw notFound();
  return user;
}

/**
 * A technical user of the actor's customer. Administrators themselves are
 * managed by the vendor (console, CLI), never from the users page.
 */
export async function findManagedTechnicalUser(db: Kysely<Database>, customerId: string, userId: string) {
  const user = await findManagedUser(db, customerId, userId);
  if (user.role !== 'technical') throw new AppError(403, 'not-technical', 'Sólo puede administrar usuarios con perfil técnico.');
  return user;
}

/**
 * The user `ref` names, with its customer, once the policy lets `actor` act
 * on it (manage-user-policy.ts): loaded first, decided second, written after.
 */
export async function loadUserFor(db: Kysely<Database>, actor: Principal, ref: UserRef) {
  // A customer's principal never reaches another customer, whatever the ref says.
  if (actor.kind === 'user' && ref.customerId !== actor.customer.id) throw notFound();
  if (!isUuid(ref.userId) || !isUuid(ref.customerId)) throw notFound();
  const row = await db
    .selectFrom('users')
    .innerJoin('customers', 'customers.id', 'users.customer_id')
    .selectAll('users')
    .select(['customers.rut as customer_rut', 'customers.name as customer_name'])
    .where('users.id', '=', ref.userId)
    .where('users.customer_id', '=', ref.customerId)
    .executeTakeFirst();
  if (!row) throw notFound();
  authorizeManageUser(actor, { customerId: row.customer_id, role: row.role });
  const { customer_rut, customer_name, ...user } = row;
  return { user, customer: { id: row.customer_id, rut: customer_rut, name: customer_name } };
}
