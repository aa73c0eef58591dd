import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** Whether this person receives the weekly digest. */
export async function isSubscribedToHelpDigest(db: Kysely<Database>, userId: string): Promise<boolean> {
  const row = await db.selectFrom('help_digest_subscriptions').select('user_id').where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}
