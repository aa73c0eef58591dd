import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { vendorToday } from '../../domain/contracts.ts';
import { missQuery } from './record-search-miss.ts';

/**
 * Searches one user may add to help_search_log per Santiago day. A person
 * searches a few dozen times on a busy day; a script searching 10,000 times
 * adds this many rows and no more (its searches still run, unrecorded, and
 * their result links go straight to the articles).
 */
export const SEARCHES_LOGGED_PER_USER_PER_DAY = 200;

export const LogSearchInput = z.object({
  userId: z.string().min(1),
  text: z.string(),
  /** The system the search was narrowed to; null: every system the person reads. */
  systemSlug: z.string().nullable(),
  results: z.number().int().min(0),
  now: z.date(),
});
export type LogSearchInput = z.infer<typeof LogSearchInput>;

/**
 * One search of the results page, written at once (two statements) so the
 * id in the result links exists before the page leaves: a click can never
 * arrive ahead of its row, whichever process serves it. The query is the
 * misses' key (folded, collapsed, 100 code points). Returns the row's id, or
 * null when nothing was written (empty query, the day's allowance spent).
 */
export async function logSearch(db: Kysely<Database>, input: LogSearchInput, perUserPerDay = SEARCHES_LOGGED_PER_USER_PER_DAY): Promise<string | null> {
  const s = LogSearchInput.parse(input);
  const query = missQuery(s.text);
  if (!query) return null;
  const day = vendorToday(s.now);
  // Taken only while some is left: the conditional upsert returns no row once the day's allowance is spent.
  const taken = await db
    .insertInto('help_search_log_allowance')
    .values({ user_id: s.userId, day, taken: 1 })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'day'])
        .doUpdateSet((eb) => ({ taken: eb('help_search_log_allowance.taken', '+', 1) }))
        .where('help_search_log_allowance.taken', '<', perUserPerDay),
    )
    .returning('taken')
    .executeTakeFirst();
  if (!taken) return null;
  const id = randomUUID();
  await db
    .insertInto('help_search_log')
    .values({ id, at: s.now.toISOString(), day, user_id: s.userId, query, system_slug: s.systemSlug ?? '', results: s.results, opened_at: null, opened_article_id: null })
    .execute();
  return id;
}
