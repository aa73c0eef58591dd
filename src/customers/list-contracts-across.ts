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
  systemSlug: string;
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

function contractsJoined(db: Kysely<Database>) {
  return db
    .selectFrom('contracts as k')
    .innerJoin('customers as c', 'c.id', 'k.customer_id')
    .innerJoin('systems as s', 's.id', 'k.system_id');
}

type ContractsJoined = ReturnType<typeof contractsJoined>;

/** "Ending": in force today and with a last day from today through `to`. */
function endingBetween(query: ContractsJoined, today: string, to: string): ContractsJoined {
  return query.where('k.starts_on', '<=', today).where('k.ends_on', '>=', today).where('k.ends_on', '<=', to);
}

const ROW_COLUMNS = [
  'k.id', 'k.plan', 'k.starts_on', 'k.ends_on', 'c.id as customer_id', 'c.rut', 'c.name as customer_name', 's.slug as system_slug', 's.name as system_name',
] as const;

function acrossRow(
  r: { id: string; plan: string; starts_on: string; ends_on: string | null; customer_id: string; rut: string; customer_name: string; system_slug: string; system_name: string },
  today: string,
): ContractAcrossRow {
  return {
    id: r.id, customerId: r.customer_id, customerRut: r.rut, customerName: r.customer_name, systemSlug: r.system_slug, systemName: r.system_name, plan: r.plan,
    startsOn: r.starts_on, endsOn: r.ends_on, daysLeft: r.ends_on === null ? null : daysBetween(today, r.ends_on),
  };
}

/** Where a page of contracts ending soon stops: the report's order (last day, first day, RUT, id), which is unique. */
export type EndingKey = [endsOn: string, startsOn: string, rut: string, id: string];

export function endingKeyOf(row: ContractAcrossRow): EndingKey {
  return [row.endsOn!, row.startsOn, row.customerRut, row.id];
}

/**
 * The report's "ending" view for any number of days, a page at a time by
 * keyset (the API's cursor): the rows after `after` in the report's order,
 * so a page is the same however many contracts are added before it.
 */
export async function listContractsEndingAfter(
  db: Kysely<Database>,
  o: { today: string; days: number; limit: number; after?: EndingKey },
): Promise<ContractAcrossRow[]> {
  let query = endingBetween(contractsJoined(db), o.today, addDays(o.today, o.days));
  if (o.after) {
    const after = o.after;
    query = query.where((eb) => eb(eb.refTuple('k.ends_on', 'k.starts_on', 'c.rut', 'k.id'), '>', eb.tuple(after[0], after[1], after[2], after[3])));
  }
  const rows = await query.select(ROW_COLUMNS).orderBy('k.ends_on').orderBy('k.starts_on').orderBy('c.rut').orderBy('k.id').limit(o.limit).execute();
  return rows.map((r) => acrossRow(r, o.today));
}

/** One page (or, with `all`, the whole export) of contracts across customers, in one query. */
export async function listContractsAcross(db: Kysely<Database>, raw: unknown, today: string, opts: { all?: boolean } = {}): Promise<ContractsAcrossResult> {
  const filters = ContractsAcrossFilters.parse(raw ?? {});
  const range: [string, string] = filters.view === 'ending' ? [today, addDays(today, filters.days)] : [`${today.slice(0, 8)}01`, today];
  let query = contractsJoined(db);
  if (filters.view === 'ending') {
    query = endingBetween(query, today, range[1]);
  } else {
    query = query.where('k.starts_on', '>=', range[0]).where('k.starts_on', '<=', range[1]);
  }
  const limit = opts.all ? CONTRACTS_EXPORT_LIMIT : CONTRACTS_PAGE_SIZE;
  const offset = opts.all ? 0 : (filters.page - 1) * CONTRACTS_PAGE_SIZE;
  let ordered = query.select((eb) => [
    ...ROW_COLUMNS,
    eb.fn.countAll().over().as('total'),
  ]);
  ordered = filters.view === 'ending' ? ordered.orderBy('k.ends_on').orderBy('k.starts_on') : ordered.orderBy('k.starts_on', 'desc');
  const rows = await ordered.orderBy('c.rut').orderBy('k.id').limit(limit).offset(offset).execute();
  let total = rows.length ? toCount(rows[0]!.total) : 0;
  if (!rows.length && offset > 0) total = toCount((await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n);
  return {
    rows: rows.map((r) => acrossRow(r, today)),
    total,
    page: opts.all ? 1 : filters.page,
    pageCount: Math.max(1, Math.ceil(total / CONTRACTS_PAGE_SIZE)),
    filters,
    range,
  };
}
