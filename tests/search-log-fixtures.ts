import { randomUUID } from 'node:crypto';
import type { TestRuntime } from './test-runtime.ts';

export interface LoggedSearch {
  query: string;
  day: string;
  system?: string;
  results: number;
  opened?: boolean;
}

/** help_search_log rows as the results page would have written them (at noon in Santiago of `day`), for the analytics' tests. */
export async function seedSearchLog(rt: TestRuntime, userId: string | null, rows: LoggedSearch[]): Promise<void> {
  if (rows.length === 0) return;
  await rt.deps.db
    .insertInto('help_search_log')
    .values(
      rows.map((r) => ({
        id: randomUUID(),
        at: `${r.day}T15:00:00.000Z`,
        day: r.day,
        user_id: userId,
        query: r.query,
        system_slug: r.system ?? '',
        results: r.results,
        opened_at: r.opened ? `${r.day}T15:00:05.000Z` : null,
        opened_article_id: null,
      })),
    )
    .execute();
}

/** A month of searches: inside 2026-02-01…2026-02-28 unless the day says otherwise. */
export const FEBRUARY: LoggedSearch[] = [
  { query: 'factura', day: '2026-02-03', results: 12, opened: true },
  { query: 'factura', day: '2026-02-04', results: 10 },
  { query: 'factura', day: '2026-02-05', system: 'contabilidad', results: 8, opened: true },
  { query: 'factura', day: '2026-02-06', system: 'contabilidad', results: 8 },
  { query: 'cierre mensual', day: '2026-02-10', system: 'contabilidad', results: 5 },
  { query: 'cierre mensual', day: '2026-02-11', system: 'contabilidad', results: 3 },
  { query: 'zzqxw', day: '2026-02-12', results: 0 },
  { query: 'zzqxw', day: '2026-02-13', results: 0 },
  { query: 'zzqxw', day: '2026-02-14', system: 'remuneraciones', results: 0 },
  { query: 'imposiciones', day: '2026-02-15', system: 'remuneraciones', results: 0 },
  { query: 'imposiciones', day: '2026-02-16', system: 'remuneraciones', results: 4 },
  // Outside the range.
  { query: 'antes', day: '2026-01-31', results: 0 },
  { query: 'despues', day: '2026-03-01', results: 3 },
  { query: 'factura', day: '2026-03-01', results: 3 },
];
