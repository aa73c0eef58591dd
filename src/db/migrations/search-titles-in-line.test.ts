import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAnswers } from '../../../tests/search-answers.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { down, up } from './2026-12-06T0000-search-titles-in-line.ts';

// Migration 2026-12-06T0000: the title vectors of help_search_vectors kept in
// the row (PostgreSQL). The setting is the parent's and every partition's, the
// rows already there are rewritten under it (a scan testing every title reads
// the heap and nothing else), search answers the same, and it can be undone
// and done again. On SQLite it does nothing.

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt.close());

/** The title column's storage on the parent and on each partition ('m' main, 'e' external). */
async function storage(rt: TestRuntime): Promise<string[]> {
  const rows = await sql<{ s: string }>`
    select a.attstorage as s from pg_attribute a
    where a.attname = 'title' and (a.attrelid = 'help_search_vectors'::regclass
      or a.attrelid in (select inhrelid from pg_inherits where inhparent = 'help_search_vectors'::regclass))`.execute(rt.deps.db);
  return rows.rows.map((r) => r.s);
}

/** Buffers a scan testing every row's title touches, and the heap's pages: more buffers than pages is the TOAST table. */
async function titleScan(rt: TestRuntime): Promise<{ buffers: number; heapPages: number }> {
  return rt.deps.db.transaction().execute(async (trx) => {
    await sql`select set_config('enable_bitmapscan', 'off', true), set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'on', true)`.execute(trx);
    const plan = await sql<{ 'QUERY PLAN': Array<{ Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } }> }>`
      explain (analyze, buffers, format json) select count(*) from help_search_vectors where title @@ to_tsquery('simple', 'zzpalabraquenoesta')`.execute(trx);
    const top = plan.rows[0]!['QUERY PLAN'][0]!.Plan;
    const pages = await sql<{ n: string }>`
      select sum(pg_relation_size(inhrelid)) / current_setting('block_size')::int as n from pg_inherits where inhparent = 'help_search_vectors'::regclass`.execute(trx);
    return { buffers: top['Shared Hit Blocks'] + top['Shared Read Blocks'], heapPages: Number(pages.rows[0]!.n) };
  });
}

describe('migration: search titles in the row', () => {
  it('keeps every title in its row, on the parent and each partition; search answers the same; down and up again', async () => {
    const before = await searchAnswers(rt);
    expect(before.some((a) => a.total > 3)).toBe(true);
    if (rt.deps.dialect !== 'postgres') {
      await up(rt.deps.db); // nothing to do, and no error
      expect(await searchAnswers(rt)).toEqual(before);
      return;
    }
    const inLine = await storage(rt);
    expect(inLine.length).toBeGreaterThan(1);
    expect(new Set(inLine)).toEqual(new Set(['m']));
    const scanInLine = await titleScan(rt);
    expect(scanInLine.heapPages).toBeGreaterThan(0);
    expect(scanInLine.buffers).toBeLessThanOrEqual(scanInLine.heapPages);

    await down(rt.deps.db);
    expect(new Set(await storage(rt))).toEqual(new Set(['e']));
    // Out of line, each row's title is read from the TOAST table: not vacuous, the check above tells the two apart.
    expect((await titleScan(rt)).buffers).toBeGreaterThan(2 * scanInLine.heapPages);
    expect(await searchAnswers(rt)).toEqual(before);

    await up(rt.deps.db);
    expect(await storage(rt)).toEqual(inLine);
    expect(await titleScan(rt)).toEqual(scanInLine);
    expect(await searchAnswers(rt)).toEqual(before);
  });
});
