import { sql, type RawBuilder } from 'kysely';
import { toTsQuery, toTsTerm } from './parse-search-query.ts';
import type { RankedArticle, SearchAdapter, SearchPageRequest } from './search-adapter.ts';

/** How many of the query's terms each row has in lexemes of this weight (any weight when none), 0 to 8. */
function termsIn(r: SearchPageRequest, weight?: 'A' | 'B'): RawBuilder<number> {
  return sql<number>`(${sql.join(
    r.query.terms.map((t) => sql`(h.document @@ to_tsquery('simple', ${toTsTerm(t, weight)}))::int`),
    sql` + `,
  )})`;
}

// Ordered like the FTS5 adapter: terms matched (relaxed searches), then terms
// in the title (A), then in headings or tags (B), then ts_rank with weights
// {D, C, B, A}: body 0.1, headings and tags (B) 0.4, title (A) 1.0, the same
// proportions as the FTS5 adapter's bm25 column weights.
export const postgresSearch: SearchAdapter = async (db, r) => {
  const body = r.withBody ? sql`a.body_text` : sql`''`;
  // With every term required, every row has them all: no need to count.
  const matched = r.mode === 'any' ? termsIn(r) : sql<number>`0`;
  const result = await sql<RankedArticle>`
    with hits as (
      select h.article_id, ${matched} as matched, ${termsIn(r, 'A')} as in_title, ${termsIn(r, 'B')} as in_meta,
        ts_rank('{0.1, 0.2, 0.4, 1.0}', h.document, q) as score, h.seq, count(*) over () as total
      from help_search h, to_tsquery('simple', ${toTsQuery(r.query, r.mode)}) q
      where h.document @@ q and h.system_id in (${sql.join(r.systemIds)})
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
