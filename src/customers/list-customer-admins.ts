import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** A customer's administrators by name: the choices of "Reemplazar administrador". */
export async function listCustomerAdmins(db: Kysely<Database>, customerId: string): Promise<Array<{ id: string; name: string; email: string }>> {
  return db.selectFrom('users').select(['id', 'name', 'email']).where('customer_id', '=', customerId).where('role', '=', 'admin').orderBy('name').execute();
}
