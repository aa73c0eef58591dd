import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEBRUARY, seedSearchLog } from '../../../tests/search-log-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { parseReportRange } from '../report-range.ts';
import { searchesNotOpened } from './searches-not-opened.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  await seedSearchLog(rt, null, FEBRUARY);
});
afterAll(() => rt.close());

describe('searchesNotOpened', () => {
  it('lists the queries that found articles and never had one opened in the range', async () => {
    const range = parseReportRange({ from: '2026-02-01', to: '2026-02-28' }, rt.clock.now());
    // factura had a result opened; zzqxw never found anything; imposiciones counts its one search with results.
    expect(await searchesNotOpened(rt.deps.db, { range, system: null })).toEqual([
      { query: 'cierre mensual', times: 2, averageResults: 4, lastAt: '2026-02-11T15:00:00.000Z' },
      { query: 'imposiciones', times: 1, averageResults: 4, lastAt: '2026-02-16T15:00:00.000Z' },
    ]);
    expect((await searchesNotOpened(rt.deps.db, { range, system: 'remuneraciones' })).map((s) => s.query)).toEqual(['imposiciones']);
    // In the days of factura's unopened searches alone, it is listed.
    const unopened = parseReportRange({ from: '2026-02-04', to: '2026-02-04' }, rt.clock.now());
    expect(await searchesNotOpened(rt.deps.db, { range: unopened, system: null })).toEqual([{ query: 'factura', times: 1, averageResults: 10, lastAt: '2026-02-04T15:00:00.000Z' }]);
  });
});
