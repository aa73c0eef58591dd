import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/2026-11-25T0000-initial.ts';
import * as auditAppendOnly from './migrations/2026-11-25T0001-audit-append-only.ts';
import * as helpCenter from './migrations/2026-11-25T0002-help-center.ts';
import * as throttleReservations from './migrations/2026-12-01T0000-throttle-reservations.ts';
import * as outboxSecrets from './migrations/2026-12-01T0001-outbox-secrets.ts';
import * as boundedInputTables from './migrations/2026-12-01T0002-bounded-input-tables.ts';
import * as staffConsole from './migrations/2026-12-01T0003-staff-console.ts';
import * as staffKnownDevices from './migrations/2026-12-01T0004-staff-known-devices.ts';
import * as importProgress from './migrations/2026-12-01T0005-import-progress.ts';
import * as helpAuthoring from './migrations/2026-12-01T0006-help-authoring.ts';
import * as searchFields from './migrations/2026-12-01T0007-search-fields.ts';
import * as searchLogAllowance from './migrations/2026-12-01T0008-search-log-allowance.ts';
import * as helpDigestMail from './migrations/2026-12-01T0009-help-digest-mail.ts';
import * as helpBaselineVersions from './migrations/2026-12-01T0010-help-baseline-versions.ts';
import * as helpDraftRevisions from './migrations/2026-12-01T0011-help-draft-revisions.ts';
import * as changeNotifications from './migrations/2026-12-01T0012-change-notifications.ts';
import * as postgresSearchVectors from './migrations/2026-12-01T0013-postgres-search-vectors.ts';
import * as jobLeases from './migrations/2026-12-01T0014-job-leases.ts';
import * as sqliteSearchTitles from './migrations/2026-12-01T0015-sqlite-search-titles.ts';
import * as outboxUnsentIndex from './migrations/2026-12-01T0016-outbox-unsent-index.ts';
import * as apiAndWebhooks from './migrations/2026-12-02T0000-api-and-webhooks.ts';
import * as apiRateLimits from './migrations/2026-12-02T0002-api-rate-limits.ts';
import * as webhookEndpointRevision from './migrations/2026-12-02T0003-webhook-endpoint-revision.ts';
import * as searchGinWithoutPendingList from './migrations/2026-12-03T0000-search-gin-without-pending-list.ts';
import * as searchVectorsInPartitions from './migrations/2026-12-04T0000-search-vectors-in-partitions.ts';
import * as searchTitlesInLine from './migrations/2026-12-06T0000-search-titles-in-line.ts';

// Listed explicitly (no directory scan): the bundle, the tests and the CLI
// all see the same migrations in the same order.
const migrations: Record<string, Migration> = {
  '2026-11-25T0000-initial': initial,
  '2026-11-25T0001-audit-append-only': auditAppendOnly,
  '2026-11-25T0002-help-center': helpCenter,
  '2026-12-01T0000-throttle-reservations': throttleReservations,
  '2026-12-01T0001-outbox-secrets': outboxSecrets,
  '2026-12-01T0002-bounded-input-tables': boundedInputTables,
  '2026-12-01T0003-staff-console': staffConsole,
  '2026-12-01T0004-staff-known-devices': staffKnownDevices,
  '2026-12-01T0005-import-progress': importProgress,
  '2026-12-01T0006-help-authoring': helpAuthoring,
  '2026-12-01T0007-search-fields': searchFields,
  '2026-12-01T0008-search-log-allowance': searchLogAllowance,
  '2026-12-01T0009-help-digest-mail': helpDigestMail,
  '2026-12-01T0010-help-baseline-versions': helpBaselineVersions,
  '2026-12-01T0011-help-draft-revisions': helpDraftRevisions,
  '2026-12-01T0012-change-notifications': changeNotifications,
  '2026-12-01T0013-postgres-search-vectors': postgresSearchVectors,
  '2026-12-01T0014-job-leases': jobLeases,
  '2026-12-01T0015-sqlite-search-titles': sqliteSearchTitles,
  '2026-12-01T0016-outbox-unsent-index': outboxUnsentIndex,
  '2026-12-02T0000-api-and-webhooks': apiAndWebhooks,
  '2026-12-02T0002-api-rate-limits': apiRateLimits,
  '2026-12-02T0003-webhook-endpoint-revision': webhookEndpointRevision,
  '2026-12-03T0000-search-gin-without-pending-list': searchGinWithoutPendingList,
  '2026-12-04T0000-search-vectors-in-partitions': searchVectorsInPartitions,
  '2026-12-06T0000-search-titles-in-line': searchTitlesInLine,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * PostgreSQL: the schema the search path puts us in; SQLite: undefined.
 * Without it Kysely's migrator looks for its own tables in every schema of
 * the database, so a kysely_migration table in another schema (another
 * portal, another test run) makes it skip creating ours and then fail.
 */
async function currentSchema(db: Kysely<any>): Promise<string | undefined> {
  try {
    const r = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    return r.rows[0]?.schema ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Kysely's migrator looks for its tables by listing every table of the
 * database; on PostgreSQL that listing fails ("schema … does not exist",
 * 3F000) when another schema is dropped while it runs — another test file
 * finishing, another portal's clean-up. Nothing of ours was touched: try again.
 */
function isOtherSchemaDropped(err: unknown, schema: string | undefined): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '3F000' && !(schema && e.message?.includes(`"${schema}"`));
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db);
    } catch (err) {
      if (attempt >= 5 || !isOtherSchemaDropped(err, await currentSchema(db))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

async function migrateOnce(db: Kysely<any>): Promise<string[]> {
  const schema = await currentSchema(db);
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  // Reading first: migrating takes the write lock (SQLite's migrations run in one
  // BEGIN IMMEDIATE transaction), and an up-to-date database must open even while
  // another process holds it — the CLI's read-only commands included.
  if ((await migrator.getMigrations()).every((m) => m.executedAt)) return [];
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
