import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { parseRut, RUT_MESSAGES } from '../domain/rut.ts';
import { AppError, notFound, ValidationError } from '../errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids are UUIDs. Anything else (a typed URL, "%00", which PostgreSQL refuses
 * in text with an error) is simply not a row: callers answer 404 without asking.
 */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** How a caller names a customer: the CLI by RUT (as typed), the console by id (from its URL). */
export type CustomerRef = { rut: string } | { id: string };

/** The customer with this RUT (as typed), for the operator's commands. */
export async function findCustomerByRut(db: Kysely<Database>, typed: string) {
  const rut = parseRut(typed);
  if (!rut.ok) throw new ValidationError({ rut: RUT_MESSAGES[rut.reason] });
  const customer = await db.selectFrom('customers').selectAll().where('rut', '=', rut.rut).executeTakeFirst();
  if (!customer) throw new AppError(404, 'customer-not-found', `No existe un cliente con RUT ${typed}.`);
  return customer;
}

/** The customer behind a console URL, or the console's plain 404. */
export async function findCustomerById(db: Kysely<Database>, id: string) {
  if (!isUuid(id)) throw notFound();
  const customer = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!customer) throw notFound();
  return customer;
}

export function findCustomer(db: Kysely<Database>, ref: CustomerRef) {
  return 'id' in ref ? findCustomerById(db, ref.id) : findCustomerByRut(db, ref.rut);
}
