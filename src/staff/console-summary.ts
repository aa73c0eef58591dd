import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { addDays } from '../domain/contracts.ts';

export interface ConsoleSummary {
  customers: number;
  disabledCustomers: number;
  contractsInForce: number;
  contractsEndingIn30Days: number;
  mailPending: number;
  mailDead: number;
}

/** The console's first page: a few counts, each one query, none per row. */
export async function consoleSummary(db: Kysely<Database>, today: string): Promise<ConsoleSummary> {
  const in30 = addDays(today, 30);
  const [customers, contracts, mail] = await Promise.all([
    db
      .selectFrom('customers')
      .select((eb) => [eb.fn.countAll<number>().as('all'), eb.fn.count<number>('disabled_at').as('disabled')])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('contracts')
      .where('starts_on', '<=', today)
      .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', today)]))
      .select((eb) => [
        eb.fn.countAll<number>().as('in_force'),
        eb.fn.sum<number>(eb.case().when('ends_on', '<=', in30).then(1).else(0).end()).as('ending'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('outbox')
      .where('sent_at', 'is', null)
      .select((eb) => [
        eb.fn.sum<number>(eb.case().when('dead_at', 'is', null).then(1).else(0).end()).as('pending'),
        eb.fn.count<number>('dead_at').as('dead'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    customers: Number(customers.all),
    disabledCustomers: Number(customers.disabled),
    contractsInForce: Number(contracts.in_force),
    contractsEndingIn30Days: Number(contracts.ending ?? 0),
    mailPending: Number(mail.pending ?? 0),
    mailDead: Number(mail.dead),
  };
}
