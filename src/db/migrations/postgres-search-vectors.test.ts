import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { HelpSearch } from '../../help/search/help-search.ts';
import { down, up } from './2026-12-01T0013-postgres-search-vectors.ts';

// A PostgreSQL portal upgraded from the one weighted `document`: migration
// 0013 must give every indexed article the vectors the index writer gives it,
// from the stems help_search already holds, so search answers as before
// without re-indexing. On SQLite it does nothing.

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt.close());

const QUERIES = ['factura', 'emitir boleta de honorarios', 'cierre mensual', 'libro de ventas', 'nota de credito', 'cuenta'];

describe('migration 0013: separate search vectors on PostgreSQL', () => {
  it('fills, for existing rows, the same vectors the index writer makes, and search finds the same', async () => {
    const db = rt.deps.db;
    const search = () => new HelpSearch(db, rt.deps.dialect, { broadSearch: 3 });
    const systemIds = (await db.selectFrom('systems').select('id').execute()).map((s) => s.id);
    const answers = async () =>
      Promise.all(
        QUERIES.map(async (text) => {
          const r = await search().search({ text, systemIds, perPage: 5 });
          return { text, total: r.total, hits: r.hits.map((h) => h.slug), closest: r.closest.map((h) => h.slug) };
        }),
      );
    const before = await answers();
    expect(before.some((a) => a.total > 3)).toBe(true); // the broad (tiered) path is among them
    if (rt.deps.dialect !== 'postgres') {
      await down(db);
      await up(db);
      expect(await answers()).toEqual(before);
      return;
    }
    const vectors = () => sql<{ article_id: string; seq: string; title: string; meta: string; document: string }>`
      select article_id, seq, title::text as title, meta::text as meta, document::text as document from help_search_vectors order by article_id`.execute(db);
    const written = (await vectors()).rows;
    expect(written.length).toBeGreaterThan(50);

    await down(db);
    const old = await sql<{ n: string }>`select count(*) as n from help_search where document @@ to_tsquery('simple', 'factur')`.execute(db);
    expect(Number(old.rows[0]!.n)).toBeGreaterThan(0);
    await up(db);
    expect((await vectors()).rows).toEqual(written);
    expect(await answers()).toEqual(before);
  });
});
