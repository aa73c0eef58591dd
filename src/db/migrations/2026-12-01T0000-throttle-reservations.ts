import type { Kysely } from 'kysely';

// The sign-in throttle reserves an attempt before any hash is computed, keys
// an account's budget by where the attempt comes from (address or known
// device), and can be cleared for one account (a completed reset). Old rows
// had other keys: they are dropped, which at worst forgives a few failures.
// Known devices: a random cookie set at a successful sign-in, stored hashed.

export async function up(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('throttles').execute();
  await db.schema.alterTable('throttles').addColumn('account', 'text').execute();
  await db.schema.alterTable('throttles').addColumn('refused', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('throttles').addColumn('audited_at', 'text').execute();
  await db.schema.createIndex('throttles_account').on('throttles').column('account').execute();
  await db.schema.createIndex('throttles_updated_at').on('throttles').column('updated_at').execute();

  await db.schema
    .createTable('known_devices')
    .addColumn('device_hash', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('known_devices_pk', ['device_hash', 'user_id'])
    .execute();
  await db.schema.createIndex('known_devices_user').on('known_devices').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('known_devices').ifExists().execute();
  await db.schema.dropIndex('throttles_updated_at').ifExists().execute();
  await db.schema.dropIndex('throttles_account').ifExists().execute();
  await db.schema.alterTable('throttles').dropColumn('audited_at').execute();
  await db.schema.alterTable('throttles').dropColumn('refused').execute();
  await db.schema.alterTable('throttles').dropColumn('account').execute();
}
