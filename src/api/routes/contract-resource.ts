import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { contractStatus, type ContractStatus } from '../../domain/contracts.ts';
import { findContract } from '../../customers/find-contract.ts';

/**
 * A contract's state on the vendor's calendar day (America/Santiago), as the
 * console's badge says it ("Vigente", "Por comenzar", "Terminado"), in the
 * form of a stable code.
 */
export const CONTRACT_STATE: Record<ContractStatus, 'vigente' | 'por-comenzar' | 'terminado'> = {
  'in-force': 'vigente',
  upcoming: 'por-comenzar',
  ended: 'terminado',
};

export const ContractResource = z
  .object({
    id: z.string().uuid().describe('Identificador del contrato (el de `/contracts/{id}`).'),
    customerRut: z.string().describe('RUT del cliente, en forma canónica (`12345678-5`).'),
    system: z.object({ slug: z.string().describe('El `system` con que se creó.'), name: z.string() }).describe('El sistema contratado.'),
    plan: z.string().describe('Nombre del plan.'),
    startsOn: z.string().describe('Primer día (AAAA-MM-DD, hora de Santiago), incluido.'),
    endsOn: z.string().nullable().describe('Último día (AAAA-MM-DD), incluido; `null` si no tiene término.'),
    state: z
      .enum(['vigente', 'por-comenzar', 'terminado'])
      .describe('Hoy en Santiago: `vigente` (desde el primer día hasta el último, ambos incluidos), `por-comenzar` (antes del primero), `terminado` (después del último).'),
  })
  .openapi('Contract');

export type ContractResource = z.infer<typeof ContractResource>;

export interface ContractFacts {
  id: string;
  customerRut: string;
  systemSlug: string;
  systemName: string;
  plan: string;
  startsOn: string;
  endsOn: string | null;
}

export function presentContract(k: ContractFacts, today: string): ContractResource {
  return {
    id: k.id,
    customerRut: k.customerRut,
    system: { slug: k.systemSlug, name: k.systemName },
    plan: k.plan,
    startsOn: k.startsOn,
    endsOn: k.endsOn,
    state: CONTRACT_STATE[contractStatus({ startsOn: k.startsOn, endsOn: k.endsOn }, today)],
  };
}

/** A contract as the API shows it, with what a change needs to know about the version read. */
export async function loadContract(db: Kysely<Database>, id: string, today: string): Promise<{ resource: ContractResource; plan: string; endsOn: string | null }> {
  // Not a UUID, or no such row: 404 contract-not-found.
  const k = await findContract(db, id);
  const customer = await db.selectFrom('customers').select('rut').where('id', '=', k.customer_id).executeTakeFirstOrThrow();
  const resource = presentContract(
    { id: k.id, customerRut: customer.rut, systemSlug: k.system_slug, systemName: k.system_name, plan: k.plan, startsOn: k.starts_on, endsOn: k.ends_on },
    today,
  );
  return { resource, plan: k.plan, endsOn: k.ends_on };
}
