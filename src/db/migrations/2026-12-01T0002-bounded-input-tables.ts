import type { Kysely } from 'kysely';

// Schema for tables that grow from input (issue 7: search misses and throttled sign-ins aggregated).

export async function up(_db: Kysely<any>): Promise<void> {}

export async function down(_db: Kysely<any>): Promise<void> {}
