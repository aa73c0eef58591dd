import type { Kysely } from 'kysely';
import type { Database, UserRole } from '../db/schema.ts';
import { notFound } from '../errors.ts';

export interface SystemSummary {
  id: string;
  slug: string;
  name: string;
  description: string;
}

/** Who is reading: the customer's contracts open the help, the user's scope may narrow it. */
export interface HelpReader {
  customerId: string;
  userId: string;
  role: UserRole;
}

/**
 * The systems whose help this person may read today: those with a contract
 * in force for their customer and, for a technical user the administrator
 * limited, only the systems of that limit. Every help query (pages, search,
 * suggestions, attachments) starts here, so help closes the day a contract
 * ends or the limit changes.
 */
export async function readableSystems(db: Kysely<Database>, reader: HelpReader, today: string): Promise<SystemSummary[]> {
  let q = db
    .selectFrom('systems')
    .select(['systems.id', 'systems.slug', 'systems.name', 'systems.description'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('contracts')
          .select('contracts.id')
          .whereRef('contracts.system_id', '=', 'systems.id')
          .where('contracts.customer_id', '=', reader.customerId)
          .where('contracts.starts_on', '<=', today)
          .where((w) => w.or([w('contracts.ends_on', 'is', null), w('contracts.ends_on', '>=', today)])),
      ),
    );
  if (reader.role !== 'admin') {
    // No rows: every contracted system. Some rows: only those.
    q = q.where((eb) =>
      eb.or([
        eb.not(eb.exists(eb.selectFrom('user_help_scope').select('user_help_scope.system_id').where('user_help_scope.user_id', '=', reader.userId))),
        eb.exists(
          eb
            .selectFrom('user_help_scope')
            .select('user_help_scope.system_id')
            .where('user_help_scope.user_id', '=', reader.userId)
            .whereRef('user_help_scope.system_id', '=', 'systems.id'),
        ),
      ]),
    );
  }
  return q.orderBy('systems.position').execute();
}

/** The system if this person may read its help today; otherwise 404, as if it did not exist. */
export async function readableSystem(db: Kysely<Database>, reader: HelpReader, today: string, slug: string): Promise<SystemSummary> {
  const system = (await readableSystems(db, reader, today)).find((s) => s.slug === slug);
  if (!system) throw notFound();
  return system;
}
