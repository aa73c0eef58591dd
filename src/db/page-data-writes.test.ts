import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb } from './create-db.ts';
import { touchesPageData, writtenTable } from './page-data-writes.ts';

const { db } = createDb(':memory:');

describe('which writes a page can show', () => {
  it('ignores what a storm of sign-ins writes', () => {
    expect(touchesPageData(db.insertInto('audit_events').values({} as never).toOperationNode())).toBe(false);
    expect(touchesPageData(db.insertInto('sessions').values({} as never).toOperationNode())).toBe(false);
    expect(touchesPageData(db.insertInto('throttles').values({} as never).toOperationNode())).toBe(false);
    expect(touchesPageData(db.updateTable('users').set({ last_sign_in_at: 'x' }).toOperationNode())).toBe(false);
    expect(touchesPageData(db.updateTable('sessions').set({ last_seen_at: 'x' }).toOperationNode())).toBe(false);
    expect(touchesPageData(db.deleteFrom('throttles').toOperationNode())).toBe(false);
    expect(touchesPageData(db.selectFrom('users').selectAll().toOperationNode())).toBe(false);
    expect(touchesPageData(sql`select 1`.toOperationNode())).toBe(false);
  });

  it('ignores a help draft being written (no reader page reads drafts), not its publishing', () => {
    expect(touchesPageData(db.updateTable('help_article_drafts').set({ body_md: 'x' }).toOperationNode())).toBe(false);
    expect(touchesPageData(db.insertInto('help_article_drafts').values({} as never).toOperationNode())).toBe(false);
    expect(touchesPageData(db.deleteFrom('help_article_drafts').toOperationNode())).toBe(false);
    expect(touchesPageData(db.updateTable('help_articles').set({ published: 1 }).toOperationNode())).toBe(true);
    expect(touchesPageData(db.updateTable('help_attachments').set({ draft: 0 }).toOperationNode())).toBe(true);
  });

  it('counts everything else, revocation above all', () => {
    expect(touchesPageData(db.deleteFrom('sessions').toOperationNode())).toBe(true);
    expect(touchesPageData(db.updateTable('users').set({ disabled_at: 'x' }).toOperationNode())).toBe(true);
    expect(touchesPageData(db.updateTable('users').set({ last_sign_in_at: 'x', name: 'y' }).toOperationNode())).toBe(true);
    expect(touchesPageData(db.updateTable('contracts').set({ ends_on: 'x' }).toOperationNode())).toBe(true);
    expect(touchesPageData(db.insertInto('help_articles').values({} as never).toOperationNode())).toBe(true);
    expect(touchesPageData(db.updateTable('customers').set({ disabled_at: 'x' }).toOperationNode())).toBe(true);
    expect(touchesPageData(sql`delete from contracts`.toOperationNode())).toBe(true);
  });
});

describe('raw statements on the read path (PostgreSQL search and search log)', () => {
  // Each emptied every shared cache of the instance on every search: no table named, so "all" (many-readers bench: 0.2–3 % hits on PostgreSQL).
  it('a setting for the transaction writes nothing', () => {
    expect(touchesPageData(sql`set local enable_seqscan = off`.toOperationNode())).toBe(false);
    expect(touchesPageData(sql`set local synchronous_commit = off`.toOperationNode())).toBe(false);
    expect(touchesPageData(sql`reset enable_seqscan`.toOperationNode())).toBe(false);
  });

  it('transaction control writes nothing, alone or with settings in one text; a write beside it still counts', () => {
    expect(touchesPageData(sql.raw(`begin; select set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)`).toOperationNode())).toBe(false);
    for (const control of ['begin', 'commit', 'rollback', 'start transaction read only', 'savepoint s1', 'release savepoint s1', 'end;']) {
      expect(touchesPageData(sql.raw(control).toOperationNode()), control).toBe(false);
    }
    expect(touchesPageData(sql.raw(`begin; update systems set name = 'x'`).toOperationNode())).toBe(true);
    expect(touchesPageData(sql.raw(`begin; truncate contracts`).toOperationNode())).toBe(true);
    expect(touchesPageData(sql.raw(`commit; drop table contracts`).toOperationNode())).toBe(true);
  });

  it('a CTE that writes only quiet tables is quiet (the search log: allowance, then the row)', () => {
    const log = sql`with taken as (
        insert into help_search_log_allowance (user_id, day, taken) values (${'u'}, ${'d'}, 1)
        on conflict (user_id, day) do update set taken = help_search_log_allowance.taken + 1 where help_search_log_allowance.taken < ${5}
        returning taken)
      insert into help_search_log (id, at, day, user_id, query, system_slug, results)
      select ${'i'}, ${'a'}, ${'d'}, ${'u'}, ${'q'}, ${''}, ${1} from taken
      returning id`;
    expect(touchesPageData(log.toOperationNode())).toBe(false);
    expect(writtenTable(log.toOperationNode())).toBeUndefined();
  });

  it('a CTE that writes a page table anywhere counts, and names it', () => {
    const node = sql`with indexed as (insert into help_search (article_id) values (${'a'}) returning article_id) insert into help_search_log (id) select article_id from indexed`.toOperationNode();
    expect(touchesPageData(node)).toBe(true);
    expect(touchesPageData(sql`with x as (${sql`delete from contracts`}) select 1`.toOperationNode())).toBe(true);
    expect(touchesPageData(sql`with x as (${db.deleteFrom('contracts')}) select 1`.toOperationNode())).toBe(true);
    expect(touchesPageData(sql`insert into help_reads (article_id) values (${'a'}) on conflict (article_id) do update set count = 1`.toOperationNode())).toBe(false);
    expect(writtenTable(sql`update contracts set ends_on = ${'x'}`.toOperationNode())).toBe('contracts');
    expect(touchesPageData(sql`create table t (id int)`.toOperationNode())).toBe(true);
    expect(touchesPageData(sql`select id from contracts for update`.toOperationNode())).toBe(false);
  });
});
