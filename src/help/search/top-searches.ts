import type { Kysely } from 'kysely';
import { toCount } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { loggedSearches, SearchLogFilter } from './search-log-filter.ts';

export interface TopSearch {
  query: string;
  times: number;
  /** Mean number of results, one decimal. */
  averageResults: number;
  /** Searches of this query where a result was opened, 0–100, rounded. */
  openedPct: number;
}

/** The most frequent searches of the filter, in one grouped query: how often, how much they found, how often a result was opened. */
export async function topSearches(db: Kysely<Database>, filter: SearchLogFilter): Promise<TopSearch[]> {
  const f = SearchLogFilter.parse(filter);
  const rows = await loggedSearches(db, f)
    .select((eb) => [
      'query',
      eb.fn.countAll<number>().as('times'),
      eb.fn.sum<number>('results').as('results'),
      eb.fn.sum<number>(eb.case().when('opened_at', 'is not', null).then(1).else(0).end()).as('opened'),
    ])
    .groupBy('query')
    .orderBy('times', 'desc')
    .orderBy('query')
    .limit(f.limit)
    .execute();
  return rows.map((r) => {
    const times = toCount(r.times);
    return { query: r.query, times, averageResults: Math.round((toCount(r.results) / times) * 10) / 10, openedPct: Math.round((toCount(r.opened) * 100) / times) };
  });
}
