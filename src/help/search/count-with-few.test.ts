import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { fts5Search } from './fts5-search-adapter.ts';
import { HelpSearch } from './help-search.ts';
import { postgresSearch } from './postgres-search-adapter.ts';
import type { SearchSet, SearchTier } from './search-adapter.ts';

// countWithFew is the search's first statement: the capped count, and when
// there are few matches the candidates in the same go (else, on PostgreSQL,
// the title tier's first page). It must answer what
// count and candidates answer apart, whatever the thresholds.

let rt: TestRuntime;
let search: HelpSearch;
let systemIds: string[];

beforeAll(async () => {
  rt = await createTestRuntime();
  search = new HelpSearch(rt.deps.db, rt.deps.dialect);
  systemIds = (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);
});
afterAll(() => rt.close());

describe('countWithFew', () => {
  it('counts as count does, and its candidates are candidates() of the whole set, bodies only up to withBodies', async () => {
    const adapter = rt.deps.dialect === 'postgres' ? postgresSearch : fts5Search;
    let pages = 0;
    const tiers = new Set<string>();
    for (const text of ['cuenta', 'boleta honorarios', 'factura', 'inexistentísimo', 'emitir factura', 'cuenta contable']) {
      for (const systems of [null, systemIds.slice(0, 1)]) {
        const set: SearchSet = { query: await search.parse(text), mode: 'all', systemIds: systems, tier: 'all' };
        for (const cap of [2, 1000]) {
          const count = await adapter.count(rt.deps.db, set, cap);
          for (const few of [0, 1, 3, 1000]) {
            for (const withBodies of [0, 80]) {
              for (const titlePage of [0, 2]) {
                const got = await adapter.countWithFew(rt.deps.db, set, cap, few, withBodies, titlePage);
                const label = `${text} ${systems ? 'one system' : 'all'} cap ${cap} few ${few} bodies ${withBodies} title page ${titlePage}`;
                expect(got.count, label).toBe(count);
                if (count > Math.min(few, cap)) expect(got.candidates, label).toBeNull();
                else expect(got.candidates, label).toEqual(await adapter.candidates(rt.deps.db, set, count, count <= withBodies, true));
                // A tier's first page, when it comes with the count, is what recent() answers; 'many', a tier too large to page from its count.
                for (const [tier, known] of Object.entries(got.firstPages) as [Exclude<SearchTier, 'all'>, string[] | 'many'][]) {
                  expect(titlePage > 0 && count > Math.min(few, cap), label).toBe(true);
                  const tierSet: SearchSet = { ...set, tier };
                  if (known === 'many') expect(await adapter.count(rt.deps.db, tierSet, 1000), `${label} ${tier}`).toBeGreaterThan(1000);
                  else expect(known, `${label} ${tier}`).toEqual(await adapter.recent(rt.deps.db, tierSet, titlePage, 0));
                  pages++;
                  tiers.add(tier);
                }
              }
            }
          }
        }
      }
    }
    // PostgreSQL reads the first pages with the count (round trips saved); SQLite reads them apart.
    expect(pages > 0).toBe(rt.deps.dialect === 'postgres');
    if (rt.deps.dialect === 'postgres') expect([...tiers].sort()).toEqual(['title-all', 'title-some']);
  });

  it('is the same inside a caller\'s transaction', async () => {
    const adapter = rt.deps.dialect === 'postgres' ? postgresSearch : fts5Search;
    const set: SearchSet = { query: await search.parse('boleta'), mode: 'all', systemIds: null, tier: 'all' };
    const outside = await adapter.countWithFew(rt.deps.db, set, 1000, 1000, 80);
    const inside = await rt.deps.db.transaction().execute((trx) => adapter.countWithFew(trx, set, 1000, 1000, 80));
    expect(outside.count).toBeGreaterThan(0);
    expect(inside).toEqual(outside);
  });
});
