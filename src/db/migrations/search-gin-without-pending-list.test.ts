import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { down, up } from './2026-12-03T0000-search-gin-without-pending-list.ts';
import * as partitions from './2026-12-04T0000-search-vectors-in-partitions.ts';

// Migration 2026-12-03T0000: help_search_vectors' GIN indexes keep no pending
// list (PostgreSQL), and it can be undone and done again on a live database.
// On SQLite it does nothing.

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt.close());

async function options(): Promise<Record<string, string[] | null>> {
  const rows = await sql<{ name: string; options: string[] | null }>`
    select c.relname as name, c.reloptions as options from pg_class c
    where c.relname like 'help_search_vectors_%' and c.relkind = 'i' and c.relnamespace = current_schema()::regnamespace
      and c.relam = (select oid from pg_am where amname = 'gin') order by c.relname`.execute(rt.deps.db);
  return Object.fromEntries(rows.rows.map((r) => [r.name, r.options]));
}

describe('migration: search GIN indexes without a pending list', () => {
  it('turns fastupdate off on the three vectors\' indexes, and back', async () => {
    if (rt.deps.dialect !== 'postgres') {
      await up(rt.deps.db); // nothing to do, and no error
      return;
    }
    const off = { help_search_vectors_document: ['fastupdate=off'], help_search_vectors_meta: ['fastupdate=off'], help_search_vectors_title: ['fastupdate=off'] };
    // The later migration (the table in partitions) undone first, as a rollback would, and done again after.
    await partitions.down(rt.deps.db);
    expect(await options()).toEqual(off);
    await down(rt.deps.db);
    expect(await options()).toEqual({ help_search_vectors_document: null, help_search_vectors_meta: null, help_search_vectors_title: null });
    await up(rt.deps.db);
    expect(await options()).toEqual(off);
    await partitions.up(rt.deps.db);
  });
});
