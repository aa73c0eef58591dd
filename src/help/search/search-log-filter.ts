import type { Kysely, SelectQueryBuilder } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import type { ReportRange } from '../report-range.ts';

/** sistema=ninguno: the searches made over every system the reader had (no system chosen). */
export const UNFILTERED_SEARCHES = 'ninguno';

/**
 * Which logged searches a search-analytics table reads: the range's Santiago
 * days, and optionally the system the search was narrowed to (a slug, or
 * UNFILTERED_SEARCHES for searches that were not narrowed).
 */
export const SearchLogFilter = z.object({
  range: z.custom<ReportRange>((v) => typeof v === 'object' && v !== null && 'from' in v && 'to' in v),
  system: z.string().max(100).nullable(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type SearchLogFilter = z.input<typeof SearchLogFilter>;

/** help_search_log narrowed to the filter's rows (uses the (day, system_slug) index). */
export function loggedSearches(db: Kysely<Database>, f: z.output<typeof SearchLogFilter>): SelectQueryBuilder<Database, 'help_search_log', object> {
  let q = db.selectFrom('help_search_log').where('day', '>=', f.range.from).where('day', '<=', f.range.to);
  if (f.system !== null) q = q.where('system_slug', '=', f.system === UNFILTERED_SEARCHES ? '' : f.system);
  return q;
}
