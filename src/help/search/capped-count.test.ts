import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { fts5Search } from './fts5-search-adapter.ts';
import { HelpSearch, MAX_PAGE } from './help-search.ts';
import { postgresSearch } from './postgres-search-adapter.ts';
import { TIERS, type SearchSet } from './search-adapter.ts';

// A broad search counts its matches only up to a cap (by default what a
// reader can page through, MAX_PAGE × perPage): past it the page says «Más
// de N resultados». A cap of 5 takes the shipped help past it; the broad
// threshold (3) stays below the cap, as it must (the count decides it).

let rt: TestRuntime;
let systemIds: string[];
let capped: HelpSearch;
let uncapped: HelpSearch;

beforeAll(async () => {
  rt = await createTestRuntime();
  systemIds = (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);
  capped = new HelpSearch(rt.deps.db, rt.deps.dialect, { broadSearch: 3, countCap: 5 });
  uncapped = new HelpSearch(rt.deps.db, rt.deps.dialect, { broadSearch: 3 });
});
afterAll(() => rt.close());

const key = (h: { systemSlug: string; slug: string }) => `${h.systemSlug}/${h.slug}`;

describe('the capped count', () => {
  it('each adapter counts at most cap + 1 matches, in every tier, and exactly below the cap', async () => {
    const adapter = rt.deps.dialect === 'postgres' ? postgresSearch : fts5Search;
    const query = await capped.parse('cuenta');
    for (const tier of ['all', ...TIERS] as const) {
      const set: SearchSet = { query, mode: 'all', systemIds: null, tier };
      const exact = (await adapter.recent(rt.deps.db, set, 1000, 0)).length;
      expect(await adapter.count(rt.deps.db, set, 1000), tier).toBe(exact);
      for (const cap of [0, 1, 5]) expect(await adapter.count(rt.deps.db, set, cap), `${tier} cap ${cap}`).toBe(Math.min(exact, cap + 1));
    }
    // The reader's systems too (a filter inside the counted set, not after it).
    const one = { query, mode: 'all' as const, systemIds: systemIds.slice(0, 1), tier: 'all' as const };
    const inOne = (await adapter.recent(rt.deps.db, one, 1000, 0)).length;
    expect(await adapter.count(rt.deps.db, one, 2)).toBe(Math.min(inOne, 3));
  });

  it('counts the same inside a caller\'s transaction, and leaves its planner settings as they were (PostgreSQL)', async () => {
    const adapter = rt.deps.dialect === 'postgres' ? postgresSearch : fts5Search;
    const set: SearchSet = { query: await capped.parse('cuenta'), mode: 'all', systemIds: null, tier: 'all' };
    const outside = await adapter.count(rt.deps.db, set, 5);
    const inside = await rt.deps.db.transaction().execute(async (trx) => {
      const n = await adapter.count(trx, set, 5);
      if (rt.deps.dialect !== 'postgres') return { n, settings: null };
      const settings = await sql<{ s: string; i: string }>`select current_setting('enable_seqscan') as s, current_setting('enable_indexscan') as i`.execute(trx);
      return { n, settings: settings.rows[0] };
    });
    expect(inside).toEqual({ n: outside, settings: rt.deps.dialect === 'postgres' ? { s: 'on', i: 'on' } : null });
    expect(outside).toBe(6);
  });

  it('past the cap: the total is the cap, flagged; the pages reach the cap and list what the uncapped search lists', async () => {
    const exact = await uncapped.search({ text: 'cuenta', systemIds, perPage: 2 });
    expect(exact.total).toBeGreaterThan(6);
    expect(exact.totalCapped).toBe(false);
    const first = await capped.search({ text: 'cuenta', systemIds, perPage: 2 });
    expect([first.total, first.totalCapped, first.pages]).toEqual([5, true, 3]);
    for (let page = 1; page <= 3; page++) {
      const a = await capped.search({ text: 'cuenta', systemIds, perPage: 2, page });
      const b = await uncapped.search({ text: 'cuenta', systemIds, perPage: 2, page });
      expect([a.total, a.totalCapped, a.pages]).toEqual([5, true, 3]);
      expect(a.hits.map(key)).toEqual(b.hits.map(key));
      expect(a.hits).toHaveLength(2);
    }
    // Past the last page of the cap: nothing listed, the same capped total.
    const past = await capped.search({ text: 'cuenta', systemIds, perPage: 2, page: 4 });
    expect([past.total, past.totalCapped, past.hits.length]).toEqual([5, true, 0]);
  });

  it('at or under the cap the count is exact and not flagged; scored searches and the relaxed one are never capped', async () => {
    // A system where «cierre mensual» finds 1 to 5 articles: at most the cap, so counted exactly.
    let one: string[] | undefined;
    for (const id of [...systemIds].sort()) {
      const t = (await uncapped.search({ text: 'cierre mensual', systemIds: [id] })).total;
      if (t > 0 && t <= 5) one ??= [id];
    }
    expect(one).toBeDefined();
    const ranked = await capped.search({ text: 'cierre mensual', systemIds: one! });
    const plain = await uncapped.search({ text: 'cierre mensual', systemIds: one! });
    expect(ranked.total).toBeGreaterThan(0);
    expect(ranked.total).toBeLessThanOrEqual(5);
    expect(ranked.totalCapped).toBe(false);
    expect(ranked).toEqual(plain);
    const relaxed = await capped.search({ text: 'quiero dar de baja un computador que se robaron', systemIds });
    expect(relaxed.relaxed).toBe(true);
    expect(relaxed.totalCapped).toBe(false);
    expect(relaxed).toEqual(await uncapped.search({ text: 'quiero dar de baja un computador que se robaron', systemIds }));
  });

  it('by default the cap is what a reader can page through: MAX_PAGE pages of perPage, never below the broad threshold', async () => {
    const exact = await uncapped.search({ text: 'cuenta', systemIds, perPage: 2 });
    // perPage 1 with a threshold of 3: the cap is MAX_PAGE (100), far above the shipped help's matches.
    const r = await uncapped.search({ text: 'cuenta', systemIds, perPage: 1 });
    expect([r.total, r.totalCapped, r.pages]).toEqual([exact.total, false, Math.min(MAX_PAGE, exact.total)]);
    // A cap below the threshold counts up to the threshold all the same (the search is still broad, its pages the same).
    const low = new HelpSearch(rt.deps.db, rt.deps.dialect, { broadSearch: 5, countCap: 2 });
    const l = await low.search({ text: 'cuenta', systemIds, perPage: 2 });
    expect([l.total, l.totalCapped, l.pages]).toEqual([5, true, 3]);
    expect(l.hits.map(key)).toEqual(exact.hits.map(key));
  });
});
