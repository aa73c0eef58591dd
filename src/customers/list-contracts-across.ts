import type { Kysely } from 'kysely';
import { z } from 'zod';
import { toCount } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';
import { addDays, daysBetween } from '../domain/contracts.ts';
import { ENDING_WINDOWS, type EndingWindow } from './search-customers.ts';

export const CONTRACTS_PAGE_SIZE = 25;
/** The most rows one CSV export carries: far more than any vendor has, and a bound on one request's work. */
export const CONTRACTS_EXPORT_LIMIT = 20_000;

/**
 * The console's "Contratos" report: contracts in force ending within 30, 60
 * or 90 days, or contracts that started this month (America/Santiago, up to
 * today). From a URL: a value that makes no sense falls back to its default.
 */
export const ContractsAcrossFilters = z.object({
  view: z.enum(['ending', 'started']).catch('ending').default('ending'),
  days: z.coerce
    .number()
    .refine((n): n is EndingWindow => (ENDING_WINDOWS as readonly number[]).includes(n))
    .catch(30)
    .default(30),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1),
});

export type ContractsAcrossFilters = z.output<typeof ContractsAcrossFilters>;

export interface ContractAcrossRow {
  id: string;
  customerId: string;
  customerRut: string;
  customerName: string;
  systemName: string;
  plan: string;
  startsOn: string;
  endsOn: string | null;
  /** Days from today to the last day (0: ends today); null when open-ended. */
  daysLeft: number | null;
}

export interface ContractsAcrossResult {
  rows: ContractAcrossRow[];
  total: number;
  page: number;
  pageCount: number;
  filters: ContractsAcrossFilters;
  /** The days the report covers, for its caption: [from, to]. */
  range: [string, string];
}

/** One page (or, with `all`, the whole export) of contracts across customers, in one query. */
export async function listContractsAcross(db: Kysely<Database>, raw: unknown, today: string, opts: { all?: boolean } = {}): Promise<ContractsAcrossResult> {
  const filters = ContractsAcrossFilters.parse(raw ?? {});
  const range: [string, string] = filters.view === 'ending' ? [today, addDays(today, filters.days)] : [`${today.slice(0, 8)}01`, today];
  let query = db
    .selectFrom('contracts as k')
    .innerJoin('customers as c', 'c.id', 'k.customer_id')
    .innerJoin('systems as s', 's.id', 'k.system_id');
  if (filters.view === 'ending') {
    query = query.where('k.starts_on', '<=', today).where('k.ends_on', '>=', range[0]).where('k.ends_on', '<=', range[1]);
  } else {
    query = query.where('k.starts_on', '>=', range[0]).where('k.starts_on', '<=', range[1]);
  }
  const limit = opts.all ? CONTRACTS_EXPORT_LIMIT : CONTRACTS_PAGE_SIZE;
  const offset = opts.all ? 0 : (filters.page - 1) * CONTRACTS_PAGE_SIZE;
  let ordered = query.select((eb) => [
    'k.id', 'k.plan', 'k.starts_on', 'k.ends_on', 'c.id as customer_id', 'c.rut', 'c.name as customer_name', 's.name as system_name',
    eb.fn.countAll().over().as('total'),
  ]);
  ordered = filters.view === 'ending' ? ordered.orderBy('k.ends_on').orderBy('k.starts_on') : ordered.orderBy('k.starts_on', 'desc');
  const rows = await ordered.orderBy('c.rut').orderBy('k.id').limit(limit).offset(offset).execute();
  let total = rows.length ? toCount(rows[0]!.total) : 0;
  if (!rows.length && offset > 0) total = toCount((await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n);
  return {
    rows: rows.map((r) => ({
      id: r.id, customerId: r.customer_id, customerRut: r.rut, customerName: r.customer_name, systemName: r.system_name, plan: r.plan,
      startsOn: r.starts_on, endsOn: r.ends_on, daysLeft: r.ends_on === null ? null : daysBetween(today, r.ends_on),
    })),
    total,
    page: opts.all ? 1 : filters.page,
    pageCount: Math.max(1, Math.ceil(total / CONTRACTS_PAGE_SIZE)),
    filters,
    range,
  };
}
