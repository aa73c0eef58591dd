import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';

/**
 * Serialise changes to a customer's administrators: touching the customer's
 * row takes its row lock on PostgreSQL (SQLite's transactions already hold
 * the write lock), so two requests removing the customer's two last
 * administrators at once run one after the other and the second sees the
 * first's change.
 */
export async function lockCustomer(trx: Kysely<Database>, customerId: string): Promise<void> {
  await trx.updateTable('customers').set((eb) => ({ name: eb.ref('name') })).where('id', '=', customerId).execute();
}

/** Refuse when `userId` is the customer's last enabled administrator; call inside the transaction, after lockCustomer. */
export async function assertNotLastActiveAdmin(trx: Kysely<Database>, customerId: string, userId: string, doing: 'delete' | 'disable'): Promise<void> {
  const target = await trx.selectFrom('users').select(['role', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
  if (!target || target.role !== 'admin' || target.disabled_at) return;
  const other = await trx
    .selectFrom('users')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .where('id', '!=', userId)
    .executeTakeFirst();
  if (other) return;
  throw new AppError(
    409,
    'last-admin',
    `No se puede ${doing === 'delete' ? 'eliminar' : 'deshabilitar'} al único administrador activo del cliente: el cliente quedaría sin nadie que administre sus usuarios. Agregue otro administrador o reemplácelo primero.`,
  );
}
