import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { vendorToday } from '../../domain/contracts.ts';
import { withoutRefusedCharacters } from '../../domain/plain-text.ts';
import { foldText } from './fold-text.ts';

/**
 * New miss rows one user's searches may add per Santiago day. A person
 * looking for something missing tries a handful of wordings; a script
 * trying 10,000 distinct queries adds this many rows and no more (its
 * searches still run, they are just not recorded).
 */
export const NEW_MISSES_PER_USER_PER_DAY = 20;

/** Rows the table keeps at most: past it, the least searched, longest unseen rows go. */
export const MAX_MISS_ROWS = 5_000;

/** Characters of a query kept: enough to tell what was sought, not a place to store text. */
export const MISS_QUERY_LENGTH = 100;

/** The key a miss is counted under: folded, controls dropped, spaces collapsed, cut at MISS_QUERY_LENGTH code points. */
export function missQuery(text: string): string {
  const folded = foldText(withoutRefusedCharacters(text)).replace(/\s+/g, ' ').trim();
  return [...folded].slice(0, MISS_QUERY_LENGTH).join('').trimEnd();
}

export type MissRecorded = 'counted' | 'added' | 'over-allowance' | 'empty';

/**
 * A search that found nothing: counted per folded query and system, for the
 * vendor to write what is missing. A query seen before is counted again; a
 * new one takes one of the user's daily allowance, and may prune the table
 * back to MAX_MISS_ROWS.
 */
export async function recordSearchMiss(
  db: Kysely<Database>,
  m: { text: string; systemSlug: string | null; userId: string; now: Date },
  limits: { perUserPerDay?: number; maxRows?: number } = {},
): Promise<MissRecorded> {
  const query = missQuery(m.text);
  if (!query) return 'empty';
  const perUser = limits.perUserPerDay ?? NEW_MISSES_PER_USER_PER_DAY;
  const maxRows = limits.maxRows ?? MAX_MISS_ROWS;
  const at = m.now.toISOString();
  const systemSlug = m.systemSlug ?? '';
  // No transaction: each statement is safe alone (the allowance is taken by
  // one conditional upsert), and a search that adds nothing costs two.
  const counted = await db
    .updateTable('help_search_misses')
    .set((eb) => ({ count: eb('count', '+', 1), last_at: at }))
    .where('query', '=', query)
    .where('system_slug', '=', systemSlug)
    .executeTakeFirst();
  if (Number(counted.numUpdatedRows) > 0) return 'counted';

  const day = vendorToday(m.now);
  // Taken only while some is left: the conditional upsert returns no row once the day's allowance is spent.
  const taken = await db
    .insertInto('help_search_miss_allowance')
    .values({ user_id: m.userId, day, added: 1 })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'day'])
        .doUpdateSet((eb) => ({ added: eb('help_search_miss_allowance.added', '+', 1) }))
        .where('help_search_miss_allowance.added', '<', perUser),
    )
    .returning('added')
    .executeTakeFirst();
  if (!taken) return 'over-allowance';
  // A user's first new miss of the day: allowances of days that are over go.
  if (Number(taken.added) === 1) await db.deleteFrom('help_search_miss_allowance').where('day', '<', day).execute();

  await db
    .insertInto('help_search_misses')
    .values({ query, system_slug: systemSlug, count: 1, first_at: at, last_at: at })
    // Another request may have added it since the update above.
    .onConflict((oc) => oc.columns(['query', 'system_slug']).doUpdateSet((eb) => ({ count: eb('help_search_misses.count', '+', 1), last_at: at })))
    .execute();

  const { rows } = await db.selectFrom('help_search_misses').select((eb) => eb.fn.countAll().as('rows')).executeTakeFirstOrThrow();
  const excess = Number(rows) - maxRows;
  if (excess > 0) {
    // The least searched, longest unseen go first; never the row just added, or a full table of old favourites would take nothing new.
    await db
      .deleteFrom('help_search_misses')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('query', 'system_slug'),
          'in',
          selectFrom('help_search_misses')
            .select(['query', 'system_slug'])
            .where((w) => w.or([w('query', '!=', query), w('system_slug', '!=', systemSlug)]))
            .orderBy('count')
            .orderBy('last_at')
            .limit(excess)
            .$asTuple('query', 'system_slug'),
        ),
      )
      .execute();
  }
  return 'added';
}

export async function listSearchMisses(db: Kysely<Database>, limit = 50) {
  return db.selectFrom('help_search_misses').selectAll().orderBy('count', 'desc').orderBy('last_at', 'desc').limit(limit).execute();
}
