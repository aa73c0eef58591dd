import type { Kysely } from 'kysely';

// A checked import is written in the background after its page is answered:
// preparing the administrators' credentials (one slow password hash each)
// can take minutes for a large file. The run says how far it got and when it
// last moved, so its page shows progress, and a run whose process died is
// seen as interrupted (nothing was written: the write is one transaction).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('import_runs').addColumn('prepared', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('import_runs').addColumn('to_prepare', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('import_runs').addColumn('progress_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('import_runs').dropColumn('progress_at').execute();
  await db.schema.alterTable('import_runs').dropColumn('to_prepare').execute();
  await db.schema.alterTable('import_runs').dropColumn('prepared').execute();
}
