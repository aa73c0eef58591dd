import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { up as fillTitles } from '../../db/migrations/2026-12-01T0015-sqlite-search-titles.ts';
import { removeSearchEntries, writeSearchEntries, type IndexableArticle } from './search-index.ts';

// SQLite only (whatever DATABASE_URL says): help_search_titles must hold
// exactly help_search's rowids, articles, system tokens and titles, or the
// broad search's first tier (read from it) would list or count otherwise.

let rt: TestRuntime;
let ids: Array<{ id: string; system_id: string }>;
beforeEach(async () => {
  rt = await createTestRuntime({ sqliteFile: ':memory:' });
  ids = await rt.deps.db.selectFrom('help_articles').select(['id', 'system_id']).where('published', '=', 1).orderBy('id').limit(2).execute();
});
afterEach(() => rt.close());

const article = (i: number, title: string): IndexableArticle => ({ id: ids[i]!.id, systemId: ids[i]!.system_id, title, summary: 'Resumen', headings: ['Paso uno'], tags: 'etiqueta', bodyText: `Cuerpo de ${title}` });

async function both() {
  const main = await sql<{ rowid: number; article_id: string; system_token: string; title: string }>`select rowid, article_id, system_token, title from help_search order by rowid`.execute(rt.deps.db);
  const titles = await sql<{ rowid: number; article_id: string; system_token: string; title: string }>`select rowid, article_id, system_token, title from help_search_titles order by rowid`.execute(rt.deps.db);
  return { main: main.rows, titles: titles.rows };
}

describe('help_search_titles', () => {
  it('follows help_search through writes, re-indexing and removals', async () => {
    // The shipped help, as the import indexed it.
    let t = await both();
    expect(t.main.length).toBeGreaterThan(50);
    expect(t.titles).toEqual(t.main);
    // Re-indexing an article gives it a new rowid in both.
    await writeSearchEntries(rt.deps.db, 'sqlite', [article(0, 'Emitir facturas de exportación')]);
    t = await both();
    expect(t.titles).toEqual(t.main);
    expect(t.titles.at(-1)!.article_id).toBe(ids[0]!.id);
    await removeSearchEntries(rt.deps.db, 'sqlite', [ids[1]!.id]);
    t = await both();
    expect(t.titles).toEqual(t.main);
    expect(t.titles.some((r) => r.article_id === ids[1]!.id)).toBe(false);
    const match = await sql<{ id: string }>`select article_id as id from help_search_titles where help_search_titles match ${'{title} : "export"'}`.execute(rt.deps.db);
    expect(match.rows.map((r) => r.id)).toContain(ids[0]!.id);
  });

  it('is filled from help_search by its migration (an index that existed before it)', async () => {
    await sql`drop table help_search_titles`.execute(rt.deps.db);
    await fillTitles(rt.deps.db);
    const t = await both();
    expect(t.main.length).toBeGreaterThan(50);
    expect(t.titles).toEqual(t.main);
  });
});
