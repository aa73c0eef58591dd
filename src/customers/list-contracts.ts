import type { Kysely } from 'kysely';
import { contractStatus, endsSoon, type ContractStatus } from '../domain/contracts.ts';
import type { Database } from '../db/schema.ts';

export interface ContractView {
  id: string;
  systemSlug: string;
  systemName: string;
  plan: string;
  startsOn: string;
  endsOn: string | null;
  status: ContractStatus;
  /** Days left when it ends within 30 days. */
  endsInDays: number | null;
}

export interface ServicesOverview {
  inForce: ContractView[];
  upcoming: ContractView[];
  ended: ContractView[];
}

export async function listContracts(db: Kysely<Database>, customerId: string, today: string): Promise<ContractView[]> {
  const rows = await db
    .selectFrom('contracts')
    .innerJoin('systems', 'systems.id', 'contracts.system_id')
    .select(['contracts.id', 'contracts.plan', 'contracts.starts_on', 'contracts.ends_on', 'systems.slug', 'systems.name', 'systems.position'])
    .where('contracts.customer_id', '=', customerId)
    .orderBy('systems.position')
    .orderBy('contracts.starts_on')
    .execute();
  return rows.map((r) => {
    const dates = { startsOn: r.starts_on, endsOn: r.ends_on };
    return {
      id: r.id,
      systemSlug: r.slug,
      systemName: r.name,
      plan: r.plan,
      startsOn: r.starts_on,
      endsOn: r.ends_on,
      status: contractStatus(dates, today),
      endsInDays: endsSoon(dates, today),
    };
  });
}

/** The administrator's home: in force first, the rest apart. */
export async function servicesOverview(db: Kysely<Database>, customerId: string, today: string): Promise<ServicesOverview> {
  const all = await listContracts(db, customerId, today);
  return {
    inForce: all.filter((c) => c.status === 'in-force'),
    upcoming: all.filter((c) => c.status === 'upcoming'),
    ended: all.filter((c) => c.status === 'ended').reverse(),
  };
}
