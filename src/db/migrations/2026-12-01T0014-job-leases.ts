import type { Kysely } from 'kysely';

// One row per scheduled job that must run on one instance at a time
// (jobs/job-lease.ts): who holds it, with which token, until when. A row
// that outlives its holder (a killed process) is taken over once
// expires_at has passed; a released lease is deleted. Plain text columns,
// the same on SQLite and PostgreSQL, so one statement serves both.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_leases').ifExists().execute();
}
