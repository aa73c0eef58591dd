import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError, notFound } from '../errors.ts';
import { isUuid } from './find-customer.ts';

/**
 * A contract by id; with `customerId` (the console's URL) it must be that
 * customer's, or it does not exist for the caller.
 */
export async function findContract(db: Kysely<Database>, id: string, customerId?: string) {
  const missing = () => (customerId === undefined ? new AppError(404, 'contract-not-found', `No existe el contrato ${id}.`) : notFound());
  if (!isUuid(id) || (customerId !== undefined && !isUuid(customerId))) throw missing();
  let q = db
    .selectFrom('contracts')
    .innerJoin('systems', 'systems.id', 'contracts.system_id')
    .selectAll('contracts')
    .select(['systems.name as system_name', 'systems.slug as system_slug'])
    .where('contracts.id', '=', id);
  if (customerId !== undefined) q = q.where('contracts.customer_id', '=', customerId);
  const contract = await q.executeTakeFirst();
  if (!contract) throw missing();
  return contract;
}

/** Another agent changed the contract between this request's read and its write. */
export function contractChanged(): AppError {
  return new AppError(409, 'contract-changed', 'El contrato cambió mientras tanto (otra persona lo modificó). Vuelva a la ficha del cliente y revise sus datos antes de intentarlo de nuevo.');
}

/** What a caller saw of a contract (the API's If-Match): a change goes ahead only on that version. */
export interface ContractVersion {
  plan: string;
  endsOn: string | null;
}

/** Whether the contract as read now is still the version the caller saw. */
export function isContractVersion(contract: { plan: string; ends_on: string | null }, expected: ContractVersion | undefined): boolean {
  return expected === undefined || (contract.plan === expected.plan && contract.ends_on === expected.endsOn);
}
