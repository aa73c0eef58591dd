import { sql, type RawBuilder } from 'kysely';
import { toCount } from '../../db/dialect.ts';
import type { QueryTerm } from './parse-search-query.ts';
import { toTsQuery, toTsTerm } from './parse-search-query.ts';
import type { RankedArticle, SearchAdapter, SearchPageRequest, SearchSet } from './search-adapter.ts';

type Field = 'any' | 'A' | 'B';

/** The tsquery of each term in each field, named like the columns of `q` below (t0_A: term 0 in the title). */
function termQueries(terms: QueryTerm[], fields: Field[]): RawBuilder<unknown> {
  return sql.join(
    fields.flatMap((f) => terms.map((t, i) => sql`to_tsquery('simple', ${toTsTerm(t, f === 'any' ? undefined : f)}) as ${sql.raw(`t${i}_${f}`)}`)),
  );
}

/** How many of the query's terms each row has in this field, 0 to 8. */
function termsIn(terms: QueryTerm[], f: Field): RawBuilder<number> {
  return sql<number>`(${sql.join(
    terms.map((_, i) => sql`(h.document @@ q.${sql.raw(`t${i}_${f}`)})::int`),
    sql` + `,
  )})`;
}

/** Every tsquery of a set, built once in `q` (to_tsquery is only stable: in a row expression it would be parsed per row). */
function queries(r: SearchSet, fields: Field[]): RawBuilder<unknown> {
  // Every query word in the title (A); any in the title; any in headings and tags (B); any in either.
  const stems = r.query.terms.flatMap((t) => t.stems);
  const titleAll = r.query.terms.map((t) => `(${toTsTerm(t, 'A')})`).join(' & ');
  const perTerm = fields.length ? sql`, ${termQueries(r.query.terms, fields)}` : sql``;
  return sql`select to_tsquery('simple', ${toTsQuery(r.query, r.mode)}) as whole,
    to_tsquery('simple', ${titleAll}) as title_all, to_tsquery('simple', ${stems.map((s) => `${s}:A`).join(' | ')}) as title_some,
    to_tsquery('simple', ${stems.map((s) => `${s}:B`).join(' | ')}) as meta, to_tsquery('simple', ${stems.map((s) => `${s}:AB`).join(' | ')}) as heads${perTerm}`;
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

function withArticles(hits: RawBuilder<unknown>, q: RawBuilder<unknown>, r: SearchPageRequest, order: RawBuilder<unknown>) {
  const body = r.withBody ? sql`a.body_text` : sql`''`;
  return sql<RankedArticle>`
    with q as (${q}), hits as (${hits})
    select a.slug, a.title, a.summary, ${body} as body_text, a.updated_at, s.slug as system_slug, s.name as system_name, c.name as category_name
    from hits
    join help_articles a on a.id = hits.article_id
    join systems s on s.id = a.system_id
    join help_categories c on c.id = a.category_id
    order by ${order}`;
}

// Ordered like the FTS5 adapter: terms matched (relaxed searches), then terms
// in the title (A), then in headings or tags (B), then ts_rank with weights
// {D, C, B, A}: body 0.1, headings and tags (B) 0.4, title (A) 1.0, the same
// proportions as the FTS5 adapter's bm25 column weights.
export const postgresSearch: SearchAdapter = {
  async count(db, r) {
    const result = await sql<{ n: string }>`with q as (${queries(r, [])}) select count(*) as n from help_search h, q where ${where(r)}`.execute(db);
    return toCount(result.rows[0]?.n);
  },

  async page(db, r) {
    if (r.order === 'recent') {
      const hits = sql`select h.article_id, h.seq from help_search h, q where ${where(r)} order by h.seq desc limit ${r.limit} offset ${r.offset}`;
      return (await withArticles(hits, queries(r, []), r, sql`hits.seq desc`).execute(db)).rows;
    }
    const terms = r.query.terms;
    // With every term required, every row has them all: no need to count.
    const fields: Field[] = r.mode === 'any' ? ['any', 'A', 'B'] : ['A', 'B'];
    const matched = r.mode === 'any' ? termsIn(terms, 'any') : sql<number>`0`;
    const hits = sql`
      select h.article_id, ${matched} as matched, ${termsIn(terms, 'A')} as in_title, ${termsIn(terms, 'B')} as in_meta,
        ts_rank('{0.1, 0.2, 0.4, 1.0}', h.document, q.whole) as score, h.seq
      from help_search h, q
      where ${where(r)}
      order by matched desc, in_title desc, in_meta desc, score desc, h.seq desc
      limit ${r.limit} offset ${r.offset}`;
    return (await withArticles(hits, queries(r, fields), r, sql`hits.matched desc, hits.in_title desc, hits.in_meta desc, hits.score desc, hits.seq desc`).execute(db)).rows;
  },
};
