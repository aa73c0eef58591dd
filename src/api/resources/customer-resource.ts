import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { CreateCustomerInput } from '../../customers/create-customer.ts';
import type { CustomersTable, Database } from '../../db/schema.ts';
import { formatRut } from '../../domain/rut.ts';
import { AppError } from '../../errors.ts';

/**
 * A customer as the API shows it: its own facts only. Its users and its
 * contracts are lists of their own (/customers/{rut}/users, …/contracts), so
 * the customer's ETag changes when the customer changes, not when one of its
 * users signs in.
 */
export const CustomerResource = z
  .object({
    rut: z.string().describe('RUT en forma canónica (`76086428-5`): la clave del cliente en la API. En las rutas se acepta escrito de cualquier forma (`76.086.428-5`, `760864285`).'),
    id: z.string().describe('Identificador interno del cliente: el mismo que traen los webhooks.'),
    name: z.string().describe('Razón social.'),
    state: z.enum(['active', 'disabled']).describe('`active`: sus usuarios pueden ingresar; `disabled`: nadie del cliente puede ingresar.'),
    disabledAt: z.string().nullable().describe('Desde cuándo está deshabilitado (ISO 8601, UTC); `null` si está habilitado.'),
    createdAt: z.string().describe('Cuándo se creó (ISO 8601, UTC).'),
  })
  .openapi('Customer');

export type CustomerResource = z.infer<typeof CustomerResource>;

/** The RUT of a path, typed any way, in its canonical form (a RUT that cannot be one: 422 with the RUT's own message). */
export const CustomerRutParam = z.object({
  // The shared rule behind a documented string: a schema made with plain zod has no .openapi().
  rut: z
    .string()
    .openapi({ param: { name: 'rut', in: 'path' }, description: 'RUT del cliente, escrito de cualquier forma: `76.086.428-5`, `76086428-5`, `760864285`, con K o k.', example: '76.086.428-5' })
    .pipe(CreateCustomerInput.shape.rut),
});

export function presentCustomer(row: Pick<CustomersTable, 'id' | 'rut' | 'name' | 'disabled_at' | 'created_at'>): CustomerResource {
  return { rut: row.rut, id: row.id, name: row.name, state: row.disabled_at ? 'disabled' : 'active', disabledAt: row.disabled_at, createdAt: row.created_at };
}

export const customerNotFound = (rut: string) => new AppError(404, 'customer-not-found', `No existe un cliente con RUT ${formatRut(rut)}.`);

/** The customer with this canonical RUT (a db or a transaction), or 404 customer-not-found. */
export async function readCustomer(db: Kysely<Database>, rut: string): Promise<{ row: CustomersTable; resource: CustomerResource }> {
  const row = await db.selectFrom('customers').selectAll().where('rut', '=', rut).executeTakeFirst();
  if (!row) throw customerNotFound(rut);
  return { row, resource: presentCustomer(row) };
}
