import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../../db/create-db.ts';
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

/** The same query of the same person within this long (and the same Santiago day) is the same search. */
export const SAME_SEARCH_WINDOW_MS = 30 * 60_000;

export const LogSearchInput = z.object({
  userId: z.string().min(1),
  text: z.string(),
  /** The system the search was narrowed to; null: every system the person reads. */
  systemSlug: z.string().nullable(),
  results: z.number().int().min(0),
  /** True when `results` is the search's cap (more were found): stored as results + 1, see logSearch. */
  resultsCapped: z.boolean().default(false),
  now: z.date(),
});
export type LogSearchInput = z.input<typeof LogSearchInput>;

/**
 * Users whose allowance of a day is spent, as this process has seen: their
 * further searches that day skip the database altogether. Only a shortcut
 * (the allowance row decides); forgotten at the day's end or past MEMO_SIZE.
 */
const spent = new Set<string>();
let spentDay = '';
const MEMO_SIZE = 10_000;

/**
 * One search of the results page, written at once, so the id in the result
 * links exists before the page leaves: a click can never arrive ahead of its
 * row, whichever process serves it. PostgreSQL takes the allowance and
 * writes the row in one statement, committed without waiting for the disk
 * (the row is visible at once, only not crash-proof); SQLite in two. The query is the misses' key (folded,
 * collapsed, 100 code points). Returns the row's id (that of the same
 * search logged within SAME_SEARCH_WINDOW_MS, if any), or null when nothing
 * was written (empty query, the day's allowance spent).
 *
 * `results` is what was counted: a broad search stops counting past its
 * cap (1,000 on the results page), and one that found more is stored as the
 * cap + 1 (1,001: "more than 1,000"), never as a figure nobody counted.
 */
export async function logSearch(db: Kysely<Database>, dialect: Dialect, input: LogSearchInput, perUserPerDay = SEARCHES_LOGGED_PER_USER_PER_DAY): Promise<string | null> {
  const s = LogSearchInput.parse(input);
  const query = missQuery(s.text);
  if (!query) return null;
  const day = vendorToday(s.now);
  if (day !== spentDay || spent.size >= MEMO_SIZE) {
    spent.clear();
    spentDay = day;
  }
  const memoKey = `${s.userId}|${day}|${perUserPerDay}`;
  if (spent.has(memoKey)) return null;
  // Pages are no-store, so the back button after opening a result, or a reload, asks again: that is the search already logged, not
  // another one that nobody opened (it would lower "opened" in the analytics). Its links keep its id, its opening stays.
  const recent = await loggedSearchId(db, s);
  if (recent) return recent;
  const id = randomUUID();
  const row = { id, at: s.now.toISOString(), day, user_id: s.userId, query, system_slug: s.systemSlug ?? '', results: s.resultsCapped ? s.results + 1 : s.results };
  let written: boolean;
  if (dialect === 'postgres') {
    // Taken only while some is left: the conditional upsert returns no row once the day's allowance is spent, and then nothing is inserted.
    const r = await db.transaction().execute(async (trx) => {
      // A search row lost to a crash costs nothing; waiting for the WAL flush on every search would cost the reader.
      await sql`set local synchronous_commit = off`.execute(trx);
      return sql<{ id: string }>`with taken as (
        insert into help_search_log_allowance (user_id, day, taken) values (${row.user_id}, ${day}, 1)
        on conflict (user_id, day) do update set taken = help_search_log_allowance.taken + 1 where help_search_log_allowance.taken < ${perUserPerDay}
        returning taken)
      insert into help_search_log (id, at, day, user_id, query, system_slug, results)
      select ${id}, ${row.at}, ${day}, ${row.user_id}, ${query}, ${row.system_slug}, ${row.results} from taken
      returning id`.execute(trx);
    });
    written = r.rows.length > 0;
  } else {
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
    written = taken !== undefined;
    if (written) await db.insertInto('help_search_log').values({ ...row, opened_at: null, opened_article_id: null }).execute();
  }
  if (!written) spent.add(memoKey);
  return written ? id : null;
}

/**
 * The id of this person's same search (folded query, system) logged within
 * SAME_SEARCH_WINDOW_MS of the same Santiago day, or null. Also how the
 * results' later pages, which log nothing, link through the click recorder.
 */
export async function loggedSearchId(db: Kysely<Database>, input: Pick<LogSearchInput, 'userId' | 'text' | 'systemSlug' | 'now'>): Promise<string | null> {
  const query = missQuery(input.text);
  if (!query) return null;
  const row = await db
    .selectFrom('help_search_log')
    .select('id')
    .where('user_id', '=', input.userId)
    .where('query', '=', query)
    .where('system_slug', '=', input.systemSlug ?? '')
    .where('day', '=', vendorToday(input.now))
    .where('at', '>=', new Date(input.now.getTime() - SAME_SEARCH_WINDOW_MS).toISOString())
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
