import type { Kysely } from 'kysely';

// Schema for tables that grow from input (issue 7, finding 19). Throttled
// sign-ins needed no table of their own: they are counted on the throttle's
// rows (2026-12-01T0000-throttle-reservations) and audited once a minute.

// --- Search misses (issue 7, finding 19). help_search_misses had one row per
// distinct query ever typed. Now each user may add a few new rows a day (the
// allowance below, one row per user and Santiago day, dropped with the user
// and pruned once the day is over), and the table as a whole is capped by
// pruning its least frequent, oldest rows (the index serves that order).

async function upSearchMisses(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('help_search_miss_allowance')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('added', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_search_miss_allowance_pk', ['user_id', 'day'])
    .execute();
  await db.schema.createIndex('help_search_miss_allowance_day').on('help_search_miss_allowance').column('day').execute();
  await db.schema.createIndex('help_search_misses_prune').on('help_search_misses').columns(['count', 'last_at']).execute();
}

async function downSearchMisses(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('help_search_misses_prune').ifExists().execute();
  await db.schema.dropTable('help_search_miss_allowance').ifExists().execute();
}

export async function up(db: Kysely<any>): Promise<void> {
  await upSearchMisses(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await downSearchMisses(db);
}
