import type { Kysely } from 'kysely';

// Reserved for the search index's new shape (issue 9: summary indexed, fields weighed by rarity).

export async function up(_db: Kysely<any>): Promise<void> {}

export async function down(_db: Kysely<any>): Promise<void> {}
