import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEBRUARY, seedSearchLog } from '../../../tests/search-log-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { parseReportRange } from '../report-range.ts';
import { UNFILTERED_SEARCHES } from './search-log-filter.ts';
import { topSearches } from './top-searches.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  await seedSearchLog(rt, null, FEBRUARY);
});
afterAll(() => rt.close());

const range = () => parseReportRange({ from: '2026-02-01', to: '2026-02-28' }, rt.clock.now());

describe('topSearches', () => {
  it('counts each query in the range, with its average results and how often a result was opened', async () => {
    expect(await topSearches(rt.deps.db, { range: range(), system: null })).toEqual([
      { query: 'factura', times: 4, averageResults: 9.5, openedPct: 50 },
      { query: 'zzqxw', times: 3, averageResults: 0, openedPct: 0 },
      { query: 'cierre mensual', times: 2, averageResults: 4, openedPct: 0 },
      { query: 'imposiciones', times: 2, averageResults: 2, openedPct: 0 },
    ]);
  });

  it('narrows to the searches made in one system, or to those made in none', async () => {
    expect(await topSearches(rt.deps.db, { range: range(), system: 'contabilidad' })).toEqual([
      { query: 'cierre mensual', times: 2, averageResults: 4, openedPct: 0 },
      { query: 'factura', times: 2, averageResults: 8, openedPct: 50 },
    ]);
    expect(await topSearches(rt.deps.db, { range: range(), system: UNFILTERED_SEARCHES })).toEqual([
      { query: 'factura', times: 2, averageResults: 11, openedPct: 50 },
      { query: 'zzqxw', times: 2, averageResults: 0, openedPct: 0 },
    ]);
    expect(await topSearches(rt.deps.db, { range: range(), system: 'inventario' })).toEqual([]);
  });

  it('takes the range day by day, both ends included, and at most `limit` queries', async () => {
    const oneDay = parseReportRange({ from: '2026-03-01', to: '2026-03-01' }, rt.clock.now());
    expect((await topSearches(rt.deps.db, { range: oneDay, system: null })).map((t) => t.query)).toEqual(['despues', 'factura']);
    expect(await topSearches(rt.deps.db, { range: range(), system: null, limit: 1 })).toHaveLength(1);
  });
});
