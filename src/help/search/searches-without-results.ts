import type { Kysely } from 'kysely';
import { toCount } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { loggedSearches, SearchLogFilter } from './search-log-filter.ts';

export interface SearchWithoutResults {
  query: string;
  times: number;
  lastAt: string;
}

/** The filter's searches that found nothing, most frequent first: what the help lacks (or a synonym it lacks). One grouped query. */
export async function searchesWithoutResults(db: Kysely<Database>, filter: SearchLogFilter): Promise<SearchWithoutResults[]> {
  const f = SearchLogFilter.parse(filter);
  const rows = await loggedSearches(db, f)
    .where('results', '=', 0)
    .select((eb) => ['query', eb.fn.countAll<number>().as('times'), eb.fn.max('at').as('last_at')])
    .groupBy('query')
    .orderBy('times', 'desc')
    .orderBy('query')
    .limit(f.limit)
    .execute();
  return rows.map((r) => ({ query: r.query, times: toCount(r.times), lastAt: String(r.last_at) }));
}
