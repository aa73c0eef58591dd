import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb } from './create-db.ts';
import { touchesPageData } from './page-data-writes.ts';

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
