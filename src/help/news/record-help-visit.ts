import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/** A visit to the help home ends after this long without coming back: a reload, or a return within it, is the same visit. */
export const VISIT_GAP_MS = 30 * 60_000;

/**
 * Write down that this person opened the help home now, and answer when
 * their previous visit was (null: none before this one). One upsert: a
 * return more than VISIT_GAP_MS after the last view starts a new visit, whose
 * "previous" is that last view; anything sooner keeps the visit's own
 * "previous", so reloading the page never empties "what changed since".
 * Two requests at once both land on the row and both read the same answer.
 */
export async function recordHelpVisit(db: Kysely<Database>, userId: string, now: Date): Promise<string | null> {
  const at = now.toISOString();
  const gapStart = new Date(now.getTime() - VISIT_GAP_MS).toISOString();
  const row = await db
    .insertInto('help_reader_visits')
    .values({ user_id: userId, previous_at: null, last_at: at })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        // The row as it was before this statement: help_reader_visits.*, on both databases.
        previous_at: sql<string | null>`case when help_reader_visits.last_at <= ${gapStart} then help_reader_visits.last_at else help_reader_visits.previous_at end`,
        // A clock that went back (or a late request) never moves the visit backwards.
        last_at: sql<string>`case when help_reader_visits.last_at > ${at} then help_reader_visits.last_at else ${at} end`,
      }),
    )
    .returning('previous_at')
    .executeTakeFirstOrThrow();
  return row.previous_at;
}
