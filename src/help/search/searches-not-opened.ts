import type { Kysely } from 'kysely';
import { toCount } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { loggedSearches, SearchLogFilter } from './search-log-filter.ts';

export interface SearchNotOpened {
  query: string;
  times: number;
  averageResults: number;
  lastAt: string;
}

/**
 * Queries whose searches in the filter found something and never had a
 * result opened: the results did not look like the answer (a search that
 * found nothing is in searchesWithoutResults instead). One grouped query.
 */
export async function searchesNotOpened(db: Kysely<Database>, filter: SearchLogFilter): Promise<SearchNotOpened[]> {
  const f = SearchLogFilter.parse(filter);
  const rows = await loggedSearches(db, f)
    .where('results', '>', 0)
    .select((eb) => ['query', eb.fn.countAll<number>().as('times'), eb.fn.sum<number>('results').as('results'), eb.fn.max('at').as('last_at')])
    .groupBy('query')
    .having((eb) => eb.fn.count('opened_at'), '=', 0)
    .orderBy('times', 'desc')
    .orderBy('query')
    .limit(f.limit)
    .execute();
  return rows.map((r) => {
    const times = toCount(r.times);
    return { query: r.query, times, averageResults: Math.round((toCount(r.results) / times) * 10) / 10, lastAt: String(r.last_at) };
  });
}
