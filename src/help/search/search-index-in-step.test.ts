import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { removeSearchEntries, writeSearchEntries, type IndexableArticle } from './search-index.ts';

// The search index is two tables on each database: help_search (the stems the
// ranking reads) and, on PostgreSQL, help_search_vectors (what finds the
// candidates, migration 0013), on SQLite help_search_titles (migration 0015),
// each keyed like help_search. A row in one without its twin, or a twin made
// from older text, is an article found by words it no longer has or never
// found. They must agree after writes at the same time, a rollback, an
// unpublish and an article's deletion.

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt.close());

/** Articles whose two index rows disagree (or have no twin). */
async function outOfStep(): Promise<string[]> {
  const db = rt.deps.db;
  if (rt.deps.dialect === 'postgres') {
    const r = await sql<{ id: string }>`
      select coalesce(h.article_id, v.article_id) as id from help_search h full join help_search_vectors v on v.article_id = h.article_id
      where h.article_id is null or v.article_id is null or h.seq <> v.seq or h.system_id <> v.system_id
        or v.title <> to_tsvector('simple', h.title)
        or v.meta <> to_tsvector('simple', concat_ws(' ǂ '::text, h.summary, h.headings, h.tags))
        or v.document <> to_tsvector('simple', concat_ws(' ǂ '::text, h.title, h.summary, h.headings, h.tags, h.body))`.execute(db);
    return r.rows.map((x) => x.id);
  }
  const r = await sql<{ id: string }>`
    select d.article_id as id from help_search_docs d left join help_search h on h.rowid = d.id left join help_search_titles t on t.rowid = d.id
    where h.rowid is null or t.rowid is null or t.article_id <> h.article_id or t.title <> h.title or t.system_token <> h.system_token
    union all select article_id from help_search where rowid not in (select id from help_search_docs)
    union all select article_id from help_search_titles where rowid not in (select id from help_search_docs)`.execute(db);
  return r.rows.map((x) => x.id);
}

const indexedTitle = async (id: string) =>
  (await sql<{ title: string }>`select title from help_search where article_id = ${id}`.execute(rt.deps.db)).rows[0]?.title;

describe('search index tables in step', () => {
  it('after two writes at once, a rolled-back write, an unpublish and a deletion', async () => {
    const { db, dialect } = rt.deps;
    const rows = await db.selectFrom('help_articles').select(['id', 'system_id', 'title', 'summary', 'tags', 'body_text']).where('published', '=', 1).orderBy('id').limit(6).execute();
    expect(rows.length).toBe(6);
    expect(await outOfStep()).toEqual([]);
    const article = (i: number, title: string): IndexableArticle => {
      const a = rows[i]!;
      return { id: a.id, systemId: a.system_id, title, summary: a.summary, headings: ['Pasos previos'], tags: a.tags, bodyText: a.body_text };
    };

    // Two publishes at once (two connections on PostgreSQL), sharing words: both land, each with its twin.
    await Promise.all([
      db.transaction().execute((trx) => writeSearchEntries(trx, dialect, [article(0, 'Conciliación bancaria mensual'), article(1, 'Cierre mensual de caja')])),
      db.transaction().execute((trx) => writeSearchEntries(trx, dialect, [article(2, 'Cierre mensual de remuneraciones'), article(3, 'Conciliación de proveedores')])),
    ]);
    expect(await outOfStep()).toEqual([]);
    expect(await indexedTitle(rows[1]!.id)).toBe('cierr mensual caj');

    // A write that is rolled back leaves both tables as they were.
    await expect(
      db.transaction().execute(async (trx) => {
        await writeSearchEntries(trx, dialect, [article(1, 'Texto que nunca se publica')]);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await indexedTitle(rows[1]!.id)).toBe('cierr mensual caj');
    expect(await outOfStep()).toEqual([]);

    // Unpublished: gone from both.
    await db.transaction().execute((trx) => removeSearchEntries(trx, dialect, [rows[4]!.id]));
    expect(await indexedTitle(rows[4]!.id)).toBeUndefined();
    expect(await outOfStep()).toEqual([]);

    // The same article published twice at once: each publish updates its help_articles row first
    // (writePublishedArticle), so the second waits for the first and replaces its entry.
    const publish = (title: string) =>
      db.transaction().execute(async (trx) => {
        await trx.updateTable('help_articles').set({ title }).where('id', '=', rows[5]!.id).execute();
        await writeSearchEntries(trx, dialect, [article(5, title)]);
      });
    await Promise.all([publish('Primera versión del título'), publish('Segunda versión del título')]);
    expect(await outOfStep()).toEqual([]);
    expect(['primer version titul', 'segund version titul']).toContain(await indexedTitle(rows[5]!.id));
    const n = await sql<{ n: number }>`select count(*) as n from help_search where article_id = ${rows[5]!.id}`.execute(db);
    expect(Number(n.rows[0]!.n)).toBe(1);

    // An indexed article deleted outright (PostgreSQL: the foreign keys cascade to both tables).
    if (dialect === 'postgres') {
      await sql`delete from help_articles where id = ${rows[3]!.id}`.execute(db);
      expect(await indexedTitle(rows[3]!.id)).toBeUndefined();
      expect(await outOfStep()).toEqual([]);
    }
  });
});
