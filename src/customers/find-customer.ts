import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { parseRut, RUT_MESSAGES } from '../domain/rut.ts';
import { AppError, ValidationError } from '../errors.ts';

/** The customer with this RUT (as typed), for the operator's commands. */
export async function findCustomerByRut(db: Kysely<Database>, typed: string) {
  const rut = parseRut(typed);
  if (!rut.ok) throw new ValidationError({ rut: RUT_MESSAGES[rut.reason] });
  const customer = await db.selectFrom('customers').selectAll().where('rut', '=', rut.rut).executeTakeFirst();
  if (!customer) throw new AppError(404, 'customer-not-found', `No existe un cliente con RUT ${typed}.`);
  return customer;
}
