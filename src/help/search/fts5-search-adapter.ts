import { sql } from 'kysely';
import { toCount } from '../../db/dialect.ts';
import type { Candidate } from './bm25f.ts';
import { toFts5Term } from './parse-search-query.ts';
import type { SearchAdapter, SearchSet } from './search-adapter.ts';
import { systemToken } from './search-index.ts';

/** The MATCH text of the query's terms: all of them, or any (with the required ones all the same). */
function termsText(r: SearchSet): string {
  const terms = r.query.terms.map((t) => toFts5Term(t));
  if (r.mode === 'all') return terms.join(' AND ');
  const any = `(${terms.join(' OR ')})`;
  const required = (r.required ?? []).map((i) => terms[i]!);
  return required.length > 0 ? `${required.join(' AND ')} AND ${any}` : any;
}

function systemsText(r: SearchSet): string {
  return r.systemIds ? ` AND system_token : (${r.systemIds.map((id) => `"${systemToken(id)}"`).join(' OR ')})` : '';
}

/**
 * Every query word in the title of an article of the reader's systems: on
 * help_search_titles, the same rowids with short doclists (a column filter on
 * help_search walks each word's whole doclist, bodies included). The same set
 * as help_search's 'title-all' tier of an 'all' search: a term in the title is
 * a term matched.
 */
function titlesText(r: SearchSet): string | null {
  if (r.mode !== 'all' || r.tier !== 'title-all') return null;
  return `(${r.query.terms.map((t) => toFts5Term(t, ['title'])).join(' AND ')})${systemsText(r)}`;
}

/** The MATCH text of a set: the query, the reader's systems (index tokens), the tier. */
function matchText(r: SearchSet): string {
  const systems = systemsText(r);
  const base = `(${termsText(r)})${systems}`;
  if (r.tier === 'all') return base;
  const stems = `(${r.query.terms.flatMap((t) => t.stems.map((s) => `"${s}"`)).join(' OR ')})`;
  const titleAll = `(${r.query.terms.map((t) => toFts5Term(t, ['title'])).join(' AND ')})`;
  const titleSome = `{title} : ${stems}`;
  switch (r.tier) {
    case 'title-all':
      return `${base} AND ${titleAll}`;
    case 'title-some':
      return `(${base} AND ${titleSome}) NOT ${titleAll}`;
    case 'meta':
      return `(${base} AND {summary headings tags} : ${stems}) NOT ${titleSome}`;
    case 'body-only':
      return `(${base}) NOT {title summary headings tags} : ${stems}`;
  }
}

export const fts5Search: SearchAdapter = {
  // Each statement reads its own snapshot, as before: better-sqlite3 answers at once, there is no round trip to save.
  session: (db, f) => f(db),

  async count(db, r, cap) {
    // FTS5 hands matches over one at a time: the LIMIT stops the walk of the doclists at cap + 1.
    const titles = titlesText(r);
    const result = titles
      ? await sql<{ n: number }>`select count(*) as n from (select 1 from help_search_titles where help_search_titles match ${titles} limit ${cap + 1})`.execute(db)
      : await sql<{ n: number }>`select count(*) as n from (select 1 from help_search where help_search match ${matchText(r)} limit ${cap + 1})`.execute(db);
    return toCount(result.rows[0]?.n);
  },

  async countWithFew(db, r, cap, few, withBodies) {
    const most = Math.min(few, cap);
    if (r.tier !== 'all') {
      const count = await fts5Search.count(db, r, cap);
      return { count, candidates: count <= most ? await fts5Search.candidates(db, r, count, count <= withBodies) : null, firstPages: {} };
    }
    // One MATCH: the count's walk hands over the rowids too (at most cap + 1
    // integers, one string); a few matches' fields are then read by rowid,
    // which FTS5 answers from its content table without matching again.
    const found = await sql<{ n: number; seqs: string | null }>`
      select count(*) as n, group_concat(rowid) as seqs from (select rowid from help_search where help_search match ${matchText(r)} limit ${cap + 1})`.execute(db);
    const count = toCount(found.rows[0]?.n);
    // No first pages: reading them apart costs no round trip here.
    if (count > most) return { count, candidates: null, firstPages: {} };
    if (count === 0) return { count, candidates: [], firstPages: {} };
    const body = count <= withBodies ? sql`body` : sql`''`;
    const result = await sql<{ id: string; seq: number; title: string; summary: string; headings: string; tags: string; body: string }>`
      select article_id as id, rowid as seq, title, summary, headings, tags, ${body} as body
      from help_search where rowid in (select value from json_each(${`[${found.rows[0]!.seqs}]`})) order by rowid desc`.execute(db);
    return { count, candidates: result.rows.map((row) => ({ id: row.id, seq: Number(row.seq), fields: { title: row.title, summary: row.summary, headings: row.headings, tags: row.tags, body: row.body } })), firstPages: {} };
  },

  async candidates(db, r, limit, withBody) {
    const body = withBody ? sql`body` : sql`''`;
    const result = await sql<{ id: string; seq: number; title: string; summary: string; headings: string; tags: string; body: string }>`
      select article_id as id, rowid as seq, title, summary, headings, tags, ${body} as body
      from help_search where help_search match ${matchText(r)} order by rowid desc limit ${limit}`.execute(db);
    return result.rows.map((row) => ({ id: row.id, seq: Number(row.seq), fields: { title: row.title, summary: row.summary, headings: row.headings, tags: row.tags, body: row.body } }));
  },

  async bodies(db, ids) {
    if (ids.length === 0) return new Map();
    const result = await sql<{ id: string; body: string }>`
      select d.article_id as id, h.body from help_search_docs d join help_search h on h.rowid = d.id where d.article_id in (${sql.join(ids)})`.execute(db);
    return new Map(result.rows.map((row) => [row.id, row.body]));
  },

  async recent(db, r, limit, offset) {
    const titles = titlesText(r);
    const result = titles
      ? await sql<{ id: string }>`select article_id as id from help_search_titles where help_search_titles match ${titles} order by rowid desc limit ${limit} offset ${offset}`.execute(db)
      : await sql<{ id: string }>`select article_id as id from help_search where help_search match ${matchText(r)} order by rowid desc limit ${limit} offset ${offset}`.execute(db);
    return result.rows.map((row) => row.id);
  },
};
