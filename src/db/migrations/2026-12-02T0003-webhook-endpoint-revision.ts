import type { Kysely } from 'kysely';

// Webhook endpoints edited in the console (issue 11):
// - `revision` goes up by one with every change, so an edit made from a form
//   that was read before someone else's change is refused instead of
//   silently undoing it (two staff members editing the same endpoint);
// - one endpoint per address: a second one would receive every event twice.
//   The address is stored in its canonical form (webhooks/webhook-url.ts),
//   so two spellings of it are the same row, and the index decides between
//   two registrations at once on both databases.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_endpoints').addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('webhook_endpoints_url').on('webhook_endpoints').column('url').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhook_endpoints_url').execute();
  await db.schema.alterTable('webhook_endpoints').dropColumn('revision').execute();
}
