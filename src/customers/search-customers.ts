import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import { toCount } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';
import { addDays } from '../domain/contracts.ts';
import { withoutRefusedCharacters } from '../domain/plain-text.ts';
import { containsPattern, foldedNameSql, foldName } from './folded-name.ts';

export const CUSTOMERS_PAGE_SIZE = 25;
export const ENDING_WINDOWS = [30, 60, 90] as const;
export type EndingWindow = (typeof ENDING_WINDOWS)[number];

/** The filters' values, shared with the API's list (which refuses, rather than drops, a value that makes no sense). */
export const CustomerQueryText = z.string().transform((s) => withoutRefusedCharacters(s).trim().slice(0, 100));
export const CustomerStateFilter = z.enum(['active', 'disabled'], { error: 'El estado es «active» (habilitado) o «disabled» (deshabilitado).' });
export const SystemSlugFilter = z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'El sistema se indica por su identificador, como «contabilidad».');

/**
 * The console's customer filters (and the CLI's `customer list`). They come
 * from a URL anyone can edit: a value that makes no sense is dropped (the
 * list shows unfiltered on that point), never an error page.
 */
export const CustomerSearchFilters = z.object({
  q: CustomerQueryText.optional().catch(undefined),
  state: CustomerStateFilter.optional().catch(undefined),
  system: SystemSlugFilter.optional().catch(undefined),
  endingWithin: z.coerce
    .number()
    .refine((n): n is EndingWindow => (ENDING_WINDOWS as readonly number[]).includes(n))
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1),
});

export type CustomerSearchFilters = z.output<typeof CustomerSearchFilters>;

export interface CustomerSearchRow {
  id: string;
  rut: string;
  name: string;
  disabled: boolean;
  users: number;
  contractsInForce: number;
}

export interface CustomerSearchResult {
  rows: CustomerSearchRow[];
  total: number;
  page: number;
  pageCount: number;
  filters: CustomerSearchFilters;
}

/** What was typed could be (part of) a RUT: digits with dots, spaces, a hyphen, a check digit K. */
function rutDigits(q: string): string | null {
  if (!/^[\d.\s‐‑–-]*\d[\d.\s‐‑–-]*[kK]?$/.test(q)) return null;
  const compact = q.replace(/[.\s‐‑–-]/g, '').toUpperCase().replace(/^0+(?=\d)/, '');
  return compact || null;
}

/**
 * One page of customers, with each one's user count and contracts in force
 * today, in ONE query (the counts are correlated sub-queries, the total a
 * window over the filtered rows). Ordered by folded name, then RUT, so pages
 * are stable. `today` is the vendor's day (vendorToday).
 */
export async function searchCustomers(db: Kysely<Database>, raw: unknown, today: string): Promise<CustomerSearchResult> {
  const filters = CustomerSearchFilters.parse(raw ?? {});
  const offset = (filters.page - 1) * CUSTOMERS_PAGE_SIZE;
  const query = filteredCustomers(db, filters, today);
  const rows = await query
    .select((eb) => [
      'c.id',
      'c.rut',
      'c.name',
      'c.disabled_at',
      eb.selectFrom('users as u').select((s) => s.fn.countAll().as('n')).whereRef('u.customer_id', '=', 'c.id').as('users'),
      eb
        .selectFrom('contracts as k')
        .select((s) => s.fn.countAll().as('n'))
        .whereRef('k.customer_id', '=', 'c.id')
        .where('k.starts_on', '<=', today)
        .where((w) => w.or([w('k.ends_on', 'is', null), w('k.ends_on', '>=', today)]))
        .as('in_force'),
      eb.fn.countAll().over().as('total'),
    ])
    .orderBy(foldedNameSql('c.name'))
    .orderBy('c.rut')
    .limit(CUSTOMERS_PAGE_SIZE)
    .offset(offset)
    .execute();
  let total = rows.length ? toCount(rows[0]!.total) : 0;
  if (!rows.length && filters.page > 1) {
    // Past the last page: the window counted nothing, so count once to offer the way back.
    const r = await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    total = toCount(r?.n);
  }
  return {
    rows: rows.map((r) => ({ id: r.id, rut: r.rut, name: r.name, disabled: r.disabled_at !== null, users: toCount(r.users), contractsInForce: toCount(r.in_force) })),
    total,
    page: filters.page,
    pageCount: Math.max(1, Math.ceil(total / CUSTOMERS_PAGE_SIZE)),
    filters,
  };
}

/**
 * The customers that pass the filters (q: part of the name, folded, or of
 * the RUT; state; a contract of `system` in force today; a contract in force
 * ending within N days), as a query to select from: the console pages it by
 * name, the API by creation.
 */
export function filteredCustomers(db: Kysely<Database>, filters: Pick<CustomerSearchFilters, 'q' | 'state' | 'system' | 'endingWithin'>, today: string) {
  let query = db.selectFrom('customers as c');
  if (filters.q) {
    const digits = rutDigits(filters.q);
    const name = sql<boolean>`${foldedNameSql('c.name')} like ${containsPattern(foldName(filters.q))} escape '\\'`;
    // Digits may be part of a RUT or of a name ("Constructora 2000"): either matches.
    query = query.where((eb) => (digits ? eb.or([eb(sql<string>`replace(${sql.ref('c.rut')}, '-', '')`, 'like', `%${digits}%`), name]) : name));
  }
  if (filters.state) query = query.where('c.disabled_at', filters.state === 'disabled' ? 'is not' : 'is', null);
  if (filters.system) {
    const slug = filters.system;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('contracts as k')
          .innerJoin('systems as s', 's.id', 'k.system_id')
          .select('k.id')
          .whereRef('k.customer_id', '=', 'c.id')
          .where('s.slug', '=', slug)
          .where('k.starts_on', '<=', today)
          .where((w) => w.or([w('k.ends_on', 'is', null), w('k.ends_on', '>=', today)])),
      ),
    );
  }
  if (filters.endingWithin) {
    const last = addDays(today, filters.endingWithin);
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('contracts as k')
          .select('k.id')
          .whereRef('k.customer_id', '=', 'c.id')
          .where('k.starts_on', '<=', today)
          .where('k.ends_on', '>=', today)
          .where('k.ends_on', '<=', last),
      ),
    );
  }
  return query;
}
