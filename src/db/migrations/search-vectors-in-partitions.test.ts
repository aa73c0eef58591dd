import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAnswers as answers } from '../../../tests/search-answers.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { ensureSearchIndexFormat } from '../../help/search/search-index-format.ts';
import { down, PARTITIONS, up } from './2026-12-04T0000-search-vectors-in-partitions.ts';

// Migration 2026-12-04T0000: help_search_vectors in hash partitions
// (PostgreSQL). Every row lands in one partition, the indexes and triggers are
// those of before, search answers the same, and it can be undone and done
// again on a live database. On SQLite it does nothing.

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt.close());

/** The table's shape as PostgreSQL has it: kind, partitions and their rows, indexes with their options, triggers. */
async function shape(rt: TestRuntime) {
  const db = rt.deps.db;
  const kind = (await sql<{ k: string }>`select relkind as k from pg_class where oid = 'help_search_vectors'::regclass`.execute(db)).rows[0]!.k;
  const partitions = (await sql<{ name: string; rows: string; options: string[] | null }>`
    select c.relname as name, (select count(*) from help_search_vectors v where v.tableoid = c.oid) as rows, c.reloptions as options
    from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'help_search_vectors'::regclass order by c.relname`.execute(db)).rows;
  const gin = (await sql<{ options: string[] | null }>`
    select c.reloptions as options from pg_class c join pg_index x on x.indexrelid = c.oid
    where c.relam = (select oid from pg_am where amname = 'gin') and x.indrelid in (select inhrelid from pg_inherits where inhparent = 'help_search_vectors'::regclass)`.execute(db)).rows;
  const triggers = (await sql<{ name: string }>`select tgname as name from pg_trigger where tgrelid = 'help_search_vectors'::regclass and not tgisinternal`.execute(db)).rows;
  return { kind, partitions, gin, triggers };
}

describe('migration: search vectors in partitions', () => {
  it('spreads the rows over the partitions with the same indexes and triggers; search answers the same; down and up again', async () => {
    const before = await answers(rt);
    expect(before.some((a) => a.total > 3)).toBe(true);
    if (rt.deps.dialect !== 'postgres') {
      await up(rt.deps.db); // nothing to do, and no error
      expect(await answers(rt)).toEqual(before);
      return;
    }
    const count = async () => Number((await sql<{ n: string }>`select count(*) as n from help_search_vectors`.execute(rt.deps.db)).rows[0]!.n);
    const rows = await count();
    const partitioned = await shape(rt);
    expect(partitioned.kind).toBe('p');
    expect(partitioned.partitions).toHaveLength(PARTITIONS);
    expect(partitioned.partitions.reduce((n, p) => n + Number(p.rows), 0)).toBe(rows);
    expect(partitioned.partitions.every((p) => Number(p.rows) > 0 && p.options?.includes('toast_tuple_target=128'))).toBe(true);
    expect(partitioned.gin).toHaveLength(3 * PARTITIONS);
    expect(partitioned.gin.every((g) => g.options?.includes('fastupdate=off'))).toBe(true);
    expect(partitioned.triggers.map((t) => t.name)).toEqual(['portal_changes']);

    await down(rt.deps.db);
    expect((await shape(rt)).kind).toBe('r');
    expect(await count()).toBe(rows);
    expect(await answers(rt)).toEqual(before);
    await up(rt.deps.db);
    expect(await shape(rt)).toEqual(partitioned);
    expect(await answers(rt)).toEqual(before);

    // Writes go through the parent: re-indexing every article replaces its row in whichever partition holds it
    // (with a new seq, so a broad search's newest-first order within a tier changes; what is found does not).
    await rt.deps.db.updateTable('help_index_state').set({ format: 0 }).where('id', '=', 1).execute();
    expect(await ensureSearchIndexFormat(rt.deps.db, rt.deps.dialect)).toBeGreaterThan(0);
    expect(await count()).toBe(rows);
    expect((await shape(rt)).partitions.map((p) => p.rows)).toEqual(partitioned.partitions.map((p) => p.rows));
    expect((await answers(rt)).map((a) => a.total)).toEqual(before.map((a) => a.total));
  });
});
