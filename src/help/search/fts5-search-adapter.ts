import { sql, type RawBuilder } from 'kysely';
import { toFts5Match, toFts5Term } from './parse-search-query.ts';
import type { RankedArticle, SearchAdapter, SearchPageRequest } from './search-adapter.ts';

/** How many of the query's terms each row has in these columns (all columns when none named), 0 to 8. */
function termsIn(r: SearchPageRequest, columns: string[]): RawBuilder<number> {
  return sql<number>`(${sql.join(
    r.query.terms.map((t) => sql`(rowid in (select rowid from help_search where help_search match ${toFts5Term(t, columns)}))`),
    sql` + `,
  )})`;
}

// Ordered as search-adapter.ts says: terms matched (relaxed searches), then
// terms in the title, then in headings or tags, then the table's rank: bm25
// with weights per column (article_id, system_id not indexed; title 10,
// headings 4, tags 4, body 1), set in the migration. The counts come first
// because bm25 gives each alternative stem of a term its own IDF: a synonym
// found once in one body ("ítem" for "producto") outweighed the typed word in
// another article's title. The ranking and the count come from the FTS table
// alone; only the page's rows are joined to the articles.
export const fts5Search: SearchAdapter = async (db, r) => {
  const body = r.withBody ? sql`a.body_text` : sql`''`;
  // With every term required, every row has them all: no need to count.
  const matched = r.mode === 'any' ? termsIn(r, []) : sql<number>`0`;
  const result = await sql<RankedArticle>`
    with hits as (
      select rowid as rid, ${matched} as matched, ${termsIn(r, ['title'])} as in_title, ${termsIn(r, ['headings', 'tags'])} as in_meta,
        rank as score, count(*) over () as total
      from help_search
      where help_search match ${toFts5Match(r.query, r.mode)} and system_id in (${sql.join(r.systemIds)})
      order by matched desc, in_title desc, in_meta desc, score, rid desc
      limit ${r.limit} offset ${r.offset})
    select a.slug, a.title, a.summary, ${body} as body_text, a.updated_at, s.slug as system_slug, s.name as system_name, c.name as category_name, hits.total
    from hits
    join help_search_docs d on d.id = hits.rid
    join help_articles a on a.id = d.article_id
    join systems s on s.id = a.system_id
    join help_categories c on c.id = a.category_id
    order by hits.matched desc, hits.in_title desc, hits.in_meta desc, hits.score, hits.rid desc`.execute(db);
  return result.rows;
};
