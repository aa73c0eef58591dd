import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/2026-11-25T0000-initial.ts';
import * as auditAppendOnly from './migrations/2026-11-25T0001-audit-append-only.ts';

// Listed explicitly (no directory scan): the bundle, the tests and the CLI
// all see the same migrations in the same order.
const migrations: Record<string, Migration> = {
  '2026-11-25T0000-initial': initial,
  '2026-11-25T0001-audit-append-only': auditAppendOnly,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
