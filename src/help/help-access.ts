import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';

export interface SystemSummary {
  id: string;
  slug: string;
  name: string;
  description: string;
}

/**
 * The systems whose help a customer may read today: those with a contract in
 * force. Every help query starts here, so help closes the day a contract ends.
 */
export async function readableSystems(db: Kysely<Database>, customerId: string, today: string): Promise<SystemSummary[]> {
  return db
    .selectFrom('systems')
    .select(['systems.id', 'systems.slug', 'systems.name', 'systems.description'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('contracts')
          .select('contracts.id')
          .whereRef('contracts.system_id', '=', 'systems.id')
          .where('contracts.customer_id', '=', customerId)
          .where('contracts.starts_on', '<=', today)
          .where((w) => w.or([w('contracts.ends_on', 'is', null), w('contracts.ends_on', '>=', today)])),
      ),
    )
    .orderBy('systems.position')
    .execute();
}

/** The system if the customer may read its help today; otherwise 404, as if it did not exist. */
export async function readableSystem(db: Kysely<Database>, customerId: string, today: string, slug: string): Promise<SystemSummary> {
  const system = (await readableSystems(db, customerId, today)).find((s) => s.slug === slug);
  if (!system) throw notFound();
  return system;
}
