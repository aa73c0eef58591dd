import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEBRUARY, seedSearchLog } from '../../../tests/search-log-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { parseReportRange } from '../report-range.ts';
import { searchesWithoutResults } from './searches-without-results.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  await seedSearchLog(rt, null, FEBRUARY);
});
afterAll(() => rt.close());

describe('searchesWithoutResults', () => {
  it('lists the queries that found nothing in the range, most frequent first, with the last time', async () => {
    const range = parseReportRange({ from: '2026-02-01', to: '2026-02-28' }, rt.clock.now());
    expect(await searchesWithoutResults(rt.deps.db, { range, system: null })).toEqual([
      { query: 'zzqxw', times: 3, lastAt: '2026-02-14T15:00:00.000Z' },
      { query: 'imposiciones', times: 1, lastAt: '2026-02-15T15:00:00.000Z' },
    ]);
    expect(await searchesWithoutResults(rt.deps.db, { range, system: 'remuneraciones' })).toEqual([
      { query: 'imposiciones', times: 1, lastAt: '2026-02-15T15:00:00.000Z' },
      { query: 'zzqxw', times: 1, lastAt: '2026-02-14T15:00:00.000Z' },
    ]);
    const january = parseReportRange({ from: '2026-01-01', to: '2026-01-31' }, rt.clock.now());
    expect(await searchesWithoutResults(rt.deps.db, { range: january, system: null })).toEqual([{ query: 'antes', times: 1, lastAt: '2026-01-31T15:00:00.000Z' }]);
  });
});
