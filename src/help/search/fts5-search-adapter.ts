import { sql, type RawBuilder } from 'kysely';
import { toCount } from '../../db/dialect.ts';
import { toFts5Match, toFts5Term } from './parse-search-query.ts';
import type { RankedArticle, SearchAdapter, SearchPageRequest, SearchSet } from './search-adapter.ts';
import { systemToken } from './search-index.ts';

/** The MATCH text of a set: the query, the reader's systems (index tokens), the tier. */
function matchText(r: SearchSet): string {
  const systems = r.systemIds ? ` AND system_token : (${r.systemIds.map((id) => `"${systemToken(id)}"`).join(' OR ')})` : '';
  const base = `(${toFts5Match(r.query, r.mode)})${systems}`;
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
      return `(${base} AND {headings tags} : ${stems}) NOT ${titleSome}`;
    case 'body-only':
      return `(${base}) NOT {title headings tags} : ${stems}`;
  }
}

/**
 * How many of the query's terms the row has in these columns (all of them when
 * none are named), 0 to 8. The columns hold stems separated by spaces, so a
 * term is there when one of its stems is, as a whole word. Read from the row
 * itself: only ranked sets (at most a broad search's threshold) get here, and
 * a set of every article with the word in its title would cost more.
 */
function termsIn(r: SearchPageRequest, columns: string[]): RawBuilder<number> {
  const text = sql.raw(`(' ' || ${(columns.length ? columns : ['title', 'headings', 'tags', 'body']).join(" || ' ' || ")} || ' ')`);
  return sql<number>`(${sql.join(
    r.query.terms.map((t) => sql`(${sql.join(t.stems.map((s) => sql`instr(${text}, ${` ${s} `}) > 0`), sql` or `)})`),
    sql` + `,
  )})`;
}

function withArticles(hits: RawBuilder<unknown>, r: SearchPageRequest, order: RawBuilder<unknown>) {
  const body = r.withBody ? sql`a.body_text` : sql`''`;
  return sql<RankedArticle>`
    with hits as (${hits})
    select a.slug, a.title, a.summary, ${body} as body_text, a.updated_at, s.slug as system_slug, s.name as system_name, c.name as category_name
    from hits
    join help_search_docs d on d.id = hits.rid
    join help_articles a on a.id = d.article_id
    join systems s on s.id = a.system_id
    join help_categories c on c.id = a.category_id
    order by ${order}`;
}

// Ranked: terms matched (relaxed searches), then terms in the title, then in
// headings or tags, then the table's rank: bm25 with weights per column
// (article_id, system_token: none; title 10, headings 4, tags 4, body 1), set
// in the migration. The counts come first because bm25 gives each
// alternative stem of a term its own IDF: a synonym found once in one body
// ("ítem" for "producto") outweighed the typed word in another article's
// title. Only the page's rows are joined to the articles.
export const fts5Search: SearchAdapter = {
  async count(db, r) {
    const result = await sql<{ n: number }>`select count(*) as n from help_search where help_search match ${matchText(r)}`.execute(db);
    return toCount(result.rows[0]?.n);
  },

  async page(db, r) {
    const where = sql`help_search match ${matchText(r)}`;
    if (r.order === 'recent') {
      const hits = sql`select rowid as rid from help_search where ${where} order by rowid desc limit ${r.limit} offset ${r.offset}`;
      return (await withArticles(hits, r, sql`hits.rid desc`).execute(db)).rows;
    }
    // With every term required, every row has them all: no need to count.
    const matched = r.mode === 'any' ? termsIn(r, []) : sql<number>`0`;
    const hits = sql`
      select rowid as rid, ${matched} as matched, ${termsIn(r, ['title'])} as in_title, ${termsIn(r, ['headings', 'tags'])} as in_meta, rank as score
      from help_search where ${where}
      order by matched desc, in_title desc, in_meta desc, score, rid desc
      limit ${r.limit} offset ${r.offset}`;
    return (await withArticles(hits, r, sql`hits.matched desc, hits.in_title desc, hits.in_meta desc, hits.score, hits.rid desc`).execute(db)).rows;
  },
};
