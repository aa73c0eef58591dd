import type { Kysely } from 'kysely';

// A draft's revision is the optimistic lock that the editor's forms and the
// publish schedules name. Drafts are deleted when published or discarded, so
// a new draft starting again at revision 1 let a page left open on the old
// draft (or a schedule of its revision 1) publish the new, unread text. The
// article keeps the last revision any of its drafts reached; the next draft
// goes on from there.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('help_articles').addColumn('last_draft_revision', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('help_articles').dropColumn('last_draft_revision').execute();
}
