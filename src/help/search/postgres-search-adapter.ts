import { sql, type RawBuilder } from 'kysely';
import { toCount } from '../../db/dialect.ts';
import type { Candidate } from './bm25f.ts';
import { toTsTerm } from './parse-search-query.ts';
import type { SearchAdapter, SearchSet } from './search-adapter.ts';

/** The tsquery text of the query's terms: all of them, or any (with the required ones all the same). */
function termsText(r: SearchSet): string {
  const terms = r.query.terms.map((t) => `(${toTsTerm(t)})`);
  if (r.mode === 'all') return terms.join(' & ');
  const any = `(${terms.join(' | ')})`;
  const required = (r.required ?? []).map((i) => terms[i]!);
  return required.length > 0 ? `${required.join(' & ')} & ${any}` : any;
}

/** Every tsquery of a set, built once in `q` (to_tsquery is only stable: in a row expression it would be parsed per row). */
function queries(r: SearchSet): RawBuilder<unknown> {
  // Every query word in the title (A); any in the title; any in summary, headings and tags (B); any in either.
  const stems = r.query.terms.flatMap((t) => t.stems);
  const titleAll = r.query.terms.map((t) => `(${toTsTerm(t, 'A')})`).join(' & ');
  return sql`select to_tsquery('simple', ${termsText(r)}) as whole,
    to_tsquery('simple', ${titleAll}) as title_all, to_tsquery('simple', ${stems.map((s) => `${s}:A`).join(' | ')}) as title_some,
    to_tsquery('simple', ${stems.map((s) => `${s}:B`).join(' | ')}) as meta, to_tsquery('simple', ${stems.map((s) => `${s}:AB`).join(' | ')}) as heads`;
}

function where(r: SearchSet): RawBuilder<unknown> {
  const tier = {
    all: sql``,
    'title-all': sql` and h.document @@ q.title_all`,
    'title-some': sql` and h.document @@ q.title_some and not (h.document @@ q.title_all)`,
    meta: sql` and h.document @@ q.meta and not (h.document @@ q.title_some)`,
    'body-only': sql` and not (h.document @@ q.heads)`,
  }[r.tier];
  const systems = r.systemIds ? sql` and h.system_id in (${sql.join(r.systemIds)})` : sql``;
  return sql`h.document @@ q.whole${systems}${tier}`;
}

export const postgresSearch: SearchAdapter = {
  async count(db, r) {
    const result = await sql<{ n: string }>`with q as (${queries(r)}) select count(*) as n from help_search h, q where ${where(r)}`.execute(db);
    return toCount(result.rows[0]?.n);
  },

  async candidates(db, r, limit, withBody) {
    // The body is stored apart (TOAST): read only when asked for.
    const body = withBody ? sql`h.body` : sql`''`;
    const result = await sql<{ id: string; seq: string; title: string; summary: string; headings: string; tags: string; body: string }>`
      with q as (${queries(r)})
      select h.article_id as id, h.seq, h.title, h.summary, h.headings, h.tags, ${body} as body
      from help_search h, q where ${where(r)} order by h.seq desc limit ${limit}`.execute(db);
    return result.rows.map((row) => ({ id: row.id, seq: Number(row.seq), fields: { title: row.title, summary: row.summary, headings: row.headings, tags: row.tags, body: row.body } }));
  },

  async bodies(db, ids) {
    if (ids.length === 0) return new Map();
    const result = await sql<{ id: string; body: string }>`select article_id as id, body from help_search where article_id in (${sql.join(ids)})`.execute(db);
    return new Map(result.rows.map((row) => [row.id, row.body]));
  },

  async recent(db, r, limit, offset) {
    const result = await sql<{ id: string }>`
      with q as (${queries(r)}) select h.article_id as id from help_search h, q where ${where(r)} order by h.seq desc limit ${limit} offset ${offset}`.execute(db);
    return result.rows.map((row) => row.id);
  },
};
