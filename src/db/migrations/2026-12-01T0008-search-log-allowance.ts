import type { Kysely } from 'kysely';

// The search log's per-user daily allowance (decision 0013's reasoning, for help_search_log):
// one row per user and day, taken by one conditional upsert so parallel searches cannot overdraw it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('help_search_log_allowance')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('taken', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_search_log_allowance_pk', ['user_id', 'day'])
    .execute();
  await db.schema.createIndex('help_search_log_allowance_day').on('help_search_log_allowance').column('day').execute();
  // A deleted user's rows are set null (PostgreSQL looks them up by user_id); logSearch looks for the same search of a user's day
  // (at most the day's allowance of rows, not the user's 400 days); the prune reads by day.
  await db.schema.createIndex('help_search_log_user').on('help_search_log').columns(['user_id', 'day']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('help_search_log_user').ifExists().execute();
  await db.schema.dropTable('help_search_log_allowance').ifExists().execute();
}
