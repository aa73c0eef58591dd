import { sql, type RawBuilder } from 'kysely';
import type { QueryTerm } from './parse-search-query.ts';
import { toTsQuery, toTsTerm } from './parse-search-query.ts';
import type { RankedArticle, SearchAdapter } from './search-adapter.ts';

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

// Ordered like the FTS5 adapter: terms matched (relaxed searches), then terms
// in the title (A), then in headings or tags (B), then ts_rank with weights
// {D, C, B, A}: body 0.1, headings and tags (B) 0.4, title (A) 1.0, the same
// proportions as the FTS5 adapter's bm25 column weights. Every tsquery is
// built once, in `q`: to_tsquery is only stable, so in the select list it
// would be parsed again for each row.
export const postgresSearch: SearchAdapter = async (db, r) => {
  const body = r.withBody ? sql`a.body_text` : sql`''`;
  const terms = r.query.terms;
  // With every term required, every row has them all: no need to count.
  const fields: Field[] = r.mode === 'any' ? ['any', 'A', 'B'] : ['A', 'B'];
  const matched = r.mode === 'any' ? termsIn(terms, 'any') : sql<number>`0`;
  const result = await sql<RankedArticle>`
    with q as (select to_tsquery('simple', ${toTsQuery(r.query, r.mode)}) as whole, ${termQueries(terms, fields)}),
    hits as (
      select h.article_id, ${matched} as matched, ${termsIn(terms, 'A')} as in_title, ${termsIn(terms, 'B')} as in_meta,
        ts_rank('{0.1, 0.2, 0.4, 1.0}', h.document, q.whole) as score, h.seq, count(*) over () as total
      from help_search h, q
      where h.document @@ q.whole and h.system_id in (${sql.join(r.systemIds)})
      order by matched desc, in_title desc, in_meta desc, score desc, h.seq desc
      limit ${r.limit} offset ${r.offset})
    select a.slug, a.title, a.summary, ${body} as body_text, a.updated_at, s.slug as system_slug, s.name as system_name, c.name as category_name, hits.total
    from hits
    join help_articles a on a.id = hits.article_id
    join systems s on s.id = a.system_id
    join help_categories c on c.id = a.category_id
    order by hits.matched desc, hits.in_title desc, hits.in_meta desc, hits.score desc, hits.seq desc`.execute(db);
  return result.rows;
};
