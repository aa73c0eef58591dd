import type { Kysely } from 'kysely';

// The weekly help digest (issue 9). Its mails carry List-Unsubscribe headers,
// so the outbox learns to keep extra headers (JSON, name → value; a value may
// hold a secret's placeholder, filled at send time like the bodies).
//
// The unsubscribe link must keep working in every mail of a subscription, but
// its token is stored only as a hash, so a later mail cannot repeat an earlier
// token: each mail gets a fresh one, and every token's hash of the
// subscription is kept here until it ends (the rows go with it).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('headers', 'text').execute();
  await db.schema
    .createTable('help_digest_unsubscribe_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('help_digest_subscriptions.user_id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('help_digest_unsubscribe_links_user').on('help_digest_unsubscribe_links').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('help_digest_unsubscribe_links').ifExists().execute();
  await db.schema.alterTable('outbox').dropColumn('headers').execute();
}
