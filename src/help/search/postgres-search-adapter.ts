import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { toCount } from '../../db/dialect.ts';
import type { Candidate } from './bm25f.ts';
import { toTsTerm } from './parse-search-query.ts';
import type { FirstPages, SearchAdapter, SearchSet } from './search-adapter.ts';

/** The tsquery text of the query's terms: all of them, or any (with the required ones all the same). */
function termsText(r: SearchSet): string {
  const terms = r.query.terms.map((t) => `(${toTsTerm(t)})`);
  if (r.mode === 'all') return terms.join(' & ');
  const any = `(${terms.join(' | ')})`;
  const required = (r.required ?? []).map((i) => terms[i]!);
  return required.length > 0 ? `${required.join(' & ')} & ${any}` : any;
}

/**
 * Every tsquery of a set, built once in `q` (to_tsquery is only stable: in a row expression it would be parsed per row).
 * No weights: each field group has a vector of its own in help_search_vectors (migration 0013), so GIN answers
 * these exactly (a weight-restricted query made it read every matching row's whole document).
 */
function queries(r: SearchSet): RawBuilder<unknown> {
  // Every query word in the title; any query stem (the tiers' test: title, or summary, headings and tags).
  const stems = r.query.terms.flatMap((t) => t.stems);
  const titleAll = r.query.terms.map((t) => `(${toTsTerm(t)})`).join(' & ');
  return sql`select to_tsquery('simple', ${termsText(r)}) as whole, to_tsquery('simple', ${titleAll}) as title_all, to_tsquery('simple', ${stems.join(' | ')}) as any_stem`;
}

/**
 * The set's rows of help_search_vectors (v). The title tier needs no test of
 * the document (a title's words are in it). The other tiers' "not in …" tests
 * read only the short vectors kept in the row, never the document (stored out
 * of line).
 */
function where(r: SearchSet): RawBuilder<unknown> {
  const systems = r.systemIds ? sql` and v.system_id in (${sql.join(r.systemIds)})` : sql``;
  if (r.tier === 'title-all' && r.mode === 'all') return sql`v.title @@ q.title_all${systems}`;
  const tier = {
    all: sql``,
    'title-all': sql` and v.title @@ q.title_all`,
    'title-some': sql` and v.title @@ q.any_stem and not (v.title @@ q.title_all)`,
    meta: sql` and v.meta @@ q.any_stem and not (v.title @@ q.any_stem)`,
    'body-only': sql` and not (v.title @@ q.any_stem) and not (v.meta @@ q.any_stem)`,
  }[r.tier];
  return sql`v.document @@ q.whole${systems}${tier}`;
}

/**
 * The transactions a whole search runs in (see `session`), opened with
 * withBitmap's settings: each statement of the search then needs no
 * transaction of its own (a begin, a set_config and a commit: three round
 * trips per statement, about a third of a search's round trips).
 */
const searchSessions = new WeakSet<Kysely<Database>>();

/**
 * From the GIN bitmap, always: for a word in most articles the planner
 * prefers a sequential scan, which reads every row's document (out of line)
 * to test it: 1.3 s against 15 ms at 50,000 articles. No plain index scan
 * either: under a LIMIT the planner may walk a btree testing each row's
 * document until it has enough, every row when the set has fewer; the
 * bitmap's heap reads stop at the LIMIT.
 */
async function withBitmap<T>(db: Kysely<Database>, f: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (searchSessions.has(db)) return f(db);
  const run = async (trx: Kysely<Database>) => {
    await sql`select set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)`.execute(trx);
    return f(trx);
  };
  if (!db.isTransaction) return db.transaction().execute(run);
  // Inside a caller's transaction the settings would last until its end (and
  // a large set's ORDER BY seq LIMIT needs the index scan): put back as they were.
  const before = await sql<{ s: string; i: string }>`select current_setting('enable_seqscan') as s, current_setting('enable_indexscan') as i`.execute(db);
  try {
    return await run(db);
  } finally {
    await sql`select set_config('enable_seqscan', ${before.rows[0]!.s}, true), set_config('enable_indexscan', ${before.rows[0]!.i}, true)`.execute(db);
  }
}

/** `f` with plain index scans allowed again (a large set's walk of the seq index), then, in a search's session, disallowed again. */
async function withIndexScan<T>(trx: Kysely<Database>, f: () => Promise<T>): Promise<T> {
  await sql`select set_config('enable_indexscan', 'on', true)`.execute(trx);
  const result = await f();
  if (searchSessions.has(trx)) await sql`select set_config('enable_indexscan', 'off', true)`.execute(trx);
  return result;
}

/** The set's matches, counting no further than `max` (inside withBitmap). */
async function countUpTo(trx: Kysely<Database>, r: SearchSet, max: number): Promise<number> {
  const result = await sql<{ n: string }>`with q as (${queries(r)}) select count(*) as n from (select 1 from help_search_vectors v, q where ${where(r)} limit ${max}) m`.execute(trx);
  return toCount(result.rows[0]?.n);
}

/**
 * At most this many matches: a set's first rows by seq are read from the GIN
 * bitmap and sorted (a few milliseconds). The planner cannot tell a set's
 * size (the tsquery comes from a CTE) and walks the seq index testing each
 * row instead, through every row when the set is small: 150–300 ms at 50,000
 * articles for a title tier or a scored search of a few hundred matches.
 */
const FEW = 1_000;

/**
 * The rows `select` makes of the set's matches (`rows`: a relation of their
 * seq and article_id; `select` orders and pages it, newest first, and gives
 * each row its seq). When the set has at most FEW matches (or `needed`), they
 * are read from the bitmap, counted and paged in one statement (stopping at
 * FEW + 1, so the count tells whether they were all of them); else, as the
 * planner likes, in a second statement: with many matches the seq index finds
 * the first ones after a few rows. `few`: the caller has counted the set, the
 * bitmap without counting; `many`: the caller knows it has more than FEW, the
 * seq index at once.
 */
async function orderedBySeq<T extends { seq: string }>(
  db: Kysely<Database>,
  r: SearchSet,
  needed: number,
  select: (rows: RawBuilder<unknown>) => RawBuilder<unknown>,
  few = false,
  many = false,
): Promise<T[]> {
  const matches = sql`(select v.seq, v.article_id from help_search_vectors v, q where ${where(r)})`;
  const newestFirst = (rows: T[]) => rows.sort((a, b) => Number(b.seq) - Number(a.seq));
  return withBitmap(db, async (trx) => {
    if (few) return newestFirst((await sql<T>`with q as (${queries(r)}) ${select(matches)}`.execute(trx)).rows);
    if (many && needed <= FEW) return newestFirst((await withIndexScan(trx, () => sql<T>`with q as (${queries(r)}) ${select(matches)}`.execute(trx))).rows);
    const most = Math.max(FEW, needed);
    // The page is made only when the count allows it (a one-time filter): a large set's would be the wrong rows.
    const small = await sql<T & { n: string }>`
      with q as (${queries(r)}), s as materialized (select v.seq, v.article_id from help_search_vectors v, q where ${where(r)} limit ${most + 1})
      select c.n, x.* from (select count(*) as n from s) c
      left join (${select(sql`(select seq, article_id from s where (select count(*) from s) <= ${most})`)}) x on true`.execute(trx);
    if (toCount(small.rows[0]?.n) <= most) return newestFirst(small.rows.filter((row) => row.seq !== null).map(({ n: _, ...row }) => row as unknown as T));
    return newestFirst((await withIndexScan(trx, () => sql<T>`with q as (${queries(r)}) ${select(matches)}`.execute(trx))).rows);
  });
}

export const postgresSearch: SearchAdapter = {
  async session(db, f) {
    // A caller's transaction keeps its own settings: each statement sets and puts back its own, as before.
    if (db.isTransaction) return f(db);
    return db.connection().execute(async (conn) => {
      // The begin and the settings in one message: a text without parameters
      // goes by pg's simple protocol, which takes several statements at once
      // (their results are not needed). A rollback ends the settings with the
      // transaction whatever happens.
      await sql.raw(`begin; select set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)`).execute(conn);
      searchSessions.add(conn);
      try {
        const result = await f(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (err) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw err;
      } finally {
        searchSessions.delete(conn);
      }
    });
  },

  async count(db, r, cap) {
    return withBitmap(db, (trx) => countUpTo(trx, r, cap + 1));
  },

  async countWithFew(db, r, cap, few, withBodies, titlePage = 0) {
    // One statement (one MATCH, one round trip): the capped count from the
    // bitmap; when it is at most `few` the matches' stems by key, else (a
    // broad search's first page starts with them) the title tiers' first
    // rows: every word in the title, then, when that tier cannot fill the
    // page and the query has several words, some in the title. Each is read
    // only when the counts call for it (one-time filters on them), and a
    // tier is paged only when it has at most FEW matches (else recent() walks
    // the seq index for it). Rows come in any order and are put newest first here.
    const most = Math.min(few, cap);
    const titled = titlePage > 0 && r.mode === 'all' && r.tier === 'all';
    const titleAll = titled ? where({ ...r, tier: 'title-all' }) : sql`false`;
    const titleSome = titled && r.query.terms.length > 1 ? where({ ...r, tier: 'title-some' }) : sql`false`;
    const result = await withBitmap(db, (trx) => sql<{ kind: 'n' | 'c' | 'tn' | 't' | 'un' | 'u'; n: string | null; id: string | null; seq: string; title: string; summary: string; headings: string; tags: string; body: string }>`
      with q as (${queries(r)}), m as materialized (select v.article_id from help_search_vectors v, q where ${where(r)} limit ${cap + 1}),
      mc as materialized (select count(*) as n from m),
      t as materialized (select v.seq, v.article_id from help_search_vectors v, q where ${titleAll} and (select n from mc) > ${most} limit ${FEW + 1}),
      tc as materialized (select count(*) as n from t),
      u as materialized (select v.seq, v.article_id from help_search_vectors v, q where ${titleSome} and (select n from mc) > ${most} and (select n from tc) < ${titlePage} limit ${FEW + 1}),
      uc as materialized (select count(*) as n from u)
      select 'n' as kind, mc.n, null::text as id, null::bigint as seq, null::text as title, null::text as summary, null::text as headings, null::text as tags, null::text as body from mc
      union all
      select 'c', null, h.article_id, h.seq, h.title, h.summary, h.headings, h.tags, case when (select n from mc) <= ${withBodies} then h.body else '' end
      from help_search h where h.article_id = any(array(select article_id from m)) and (select n from mc) <= ${most}
      union all
      select 'tn', tc.n, null, null, null, null, null, null, null from tc
      union all
      select 't', null, p.article_id, p.seq, null, null, null, null, null from (select seq, article_id from t where (select n from tc) <= ${FEW} order by seq desc limit ${titlePage}) p
      union all
      select 'un', uc.n, null, null, null, null, null, null, null from uc
      union all
      select 'u', null, p.article_id, p.seq, null, null, null, null, null from (select seq, article_id from u where (select n from uc) <= ${FEW} order by seq desc limit ${titlePage}) p`.execute(trx));
    const countOf = (kind: 'n' | 'tn' | 'un') => toCount(result.rows.find((row) => row.kind === kind)?.n);
    const count = countOf('n');
    if (count > most) {
      const firstPages: FirstPages = {};
      if (titled) {
        // A tier of more than FEW is left to recent(), told so ('many': its newest rows come from the seq index).
        const pageOf = (kind: 't' | 'u', n: number) => (n > FEW ? 'many' : result.rows.filter((row) => row.kind === kind).sort((x, y) => Number(y.seq) - Number(x.seq)).map((row) => row.id!));
        const inTitle = countOf('tn');
        firstPages['title-all'] = pageOf('t', inTitle);
        if (r.query.terms.length > 1 && inTitle < titlePage) firstPages['title-some'] = pageOf('u', countOf('un'));
      }
      return { count, candidates: null, firstPages };
    }
    const candidates = result.rows.flatMap((row) => (row.kind !== 'c' ? [] : [{ id: row.id!, seq: Number(row.seq), fields: { title: row.title, summary: row.summary, headings: row.headings, tags: row.tags, body: row.body } }]));
    return { count, candidates: candidates.sort((x, y) => y.seq - x.seq), firstPages: {} };
  },

  async candidates(db, r, limit, withBody, few) {
    // The page of ids first, from the narrow table alone; the stems after, by key. The body is stored apart (TOAST): read only when asked for.
    const body = withBody ? sql`h.body` : sql`''`;
    const rows = await orderedBySeq<{ id: string; seq: string; title: string; summary: string; headings: string; tags: string; body: string }>(
      db,
      r,
      limit,
      (matches) => sql`select h.article_id as id, h.seq, h.title, h.summary, h.headings, h.tags, ${body} as body
        from (select m.article_id, m.seq from ${matches} m order by m.seq desc limit ${limit}) p join help_search h on h.article_id = p.article_id`,
      few,
    );
    return rows.map((row) => ({ id: row.id, seq: Number(row.seq), fields: { title: row.title, summary: row.summary, headings: row.headings, tags: row.tags, body: row.body } }));
  },

  async bodies(db, ids) {
    if (ids.length === 0) return new Map();
    const result = await sql<{ id: string; body: string }>`select article_id as id, body from help_search where article_id in (${sql.join(ids)})`.execute(db);
    return new Map(result.rows.map((row) => [row.id, row.body]));
  },

  async recent(db, r, limit, offset, many = false) {
    const rows = await orderedBySeq<{ id: string; seq: string }>(db, r, offset + limit, (matches) => sql`select m.article_id as id, m.seq from ${matches} m order by m.seq desc limit ${limit} offset ${offset}`, false, many);
    return rows.map((row) => row.id);
  },
};
