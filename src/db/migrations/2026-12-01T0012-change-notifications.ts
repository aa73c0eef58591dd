import { sql, type Kysely } from 'kysely';
import { createNotifyFunction, dropChangeTriggers, EVERY_WRITE, NOTIFY_FUNCTION, notifyChanges, type TableWrites } from './change-notification-triggers.ts';
import { isPostgres } from './migration-dialect.ts';

// PostgreSQL: every write a page may show tells every portal process, at
// commit, through NOTIFY (decision 0020). SQLite needs nothing: one file,
// and PRAGMA data_version says when another process committed.
//
// The same split as db/page-data-writes.ts (migrations import no app code;
// change-notifications.test.ts keeps the two in step): what a storm of
// sign-ins writes is quiet, deleting a session is not (sign-out and
// revocation must reach every cache).

const QUIET_SIGN_IN_WRITES: TableWrites = { insert: false, delete: true, update: 'none' };

/** Tables with at least one write that notifies, and which. */
export const NOTIFYING_TABLES: Record<string, TableWrites> = {
  customers: EVERY_WRITE,
  users: { insert: true, delete: true, update: ['last_sign_in_at'] },
  systems: EVERY_WRITE,
  contracts: EVERY_WRITE,
  user_help_scope: EVERY_WRITE,
  sessions: { insert: false, delete: true, update: ['last_seen_at'] },
  // Append-only (migration 0001 refuses the rest); a delete would be an operator's, and would notify.
  audit_events: { insert: false, delete: true, update: 'all' },
  staff: EVERY_WRITE,
  staff_invitations: EVERY_WRITE,
  staff_recovery_codes: EVERY_WRITE,
  staff_sessions: EVERY_WRITE,
  staff_known_devices: EVERY_WRITE,
  import_runs: EVERY_WRITE,
  job_runs: EVERY_WRITE,
  help_categories: EVERY_WRITE,
  help_articles: EVERY_WRITE,
  help_article_tags: EVERY_WRITE,
  help_attachments: EVERY_WRITE,
  help_votes: EVERY_WRITE,
  help_synonyms: EVERY_WRITE,
  help_search: EVERY_WRITE,
  help_search_words: EVERY_WRITE,
  help_search_terms: EVERY_WRITE,
  help_index_state: EVERY_WRITE,
  help_article_versions: EVERY_WRITE,
  help_slug_redirects: EVERY_WRITE,
  help_schedules: EVERY_WRITE,
  // View counts and the help home's "last visit": the counters are quiet, clearing them is not.
  help_reads: QUIET_SIGN_IN_WRITES,
  help_reader_visits: QUIET_SIGN_IN_WRITES,
  // Its rows come and go quietly with the digest; nothing updates one, and page-data-writes.ts counts an update.
  help_digest_unsubscribe_links: { insert: false, delete: false, update: 'all' },
};

/** Tables no write of which a page shows: no trigger. */
export const QUIET_TABLES = [
  'outbox',
  'throttles',
  'known_devices',
  'password_resets',
  'help_search_misses',
  'help_search_miss_allowance',
  'help_search_log',
  'help_search_log_allowance',
  'help_digest_subscriptions',
  'help_article_drafts',
  // Kysely's own bookkeeping.
  'kysely_migration',
  'kysely_migration_lock',
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await createNotifyFunction(db);
  for (const [table, writes] of Object.entries(NOTIFYING_TABLES)) await notifyChanges(db, table, writes);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  for (const table of Object.keys(NOTIFYING_TABLES)) await dropChangeTriggers(db, table);
  await sql`drop function if exists ${sql.raw(NOTIFY_FUNCTION)}()`.execute(db);
}
