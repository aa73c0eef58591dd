import type { Kysely } from 'kysely';

// Slot reserved for issue 10 (job-leases); filled in by its change.

export async function up(_db: Kysely<any>): Promise<void> {}

export async function down(_db: Kysely<any>): Promise<void> {}
