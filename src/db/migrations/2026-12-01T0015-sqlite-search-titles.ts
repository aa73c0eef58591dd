import { sql, type Kysely } from 'kysely';
import { isPostgres } from './migration-dialect.ts';

// SQLite only (issue 10): the titles of help_search again, in an FTS5 table of their own with the same
// rowids. A column filter ({title} : …) on help_search still walks the whole doclist of each term (a
// common word's in 30,000 bodies at 50,000 articles), so the broad search's first tier, every query word
// in the title, cost as much as counting the matches; the titles alone have short doclists. Filled here
// from help_search with SQL (no app code), kept by search-index.ts from now on. PostgreSQL has its own
// weighted vectors (0013).

export async function up(db: Kysely<any>): Promise<void> {
  if (await isPostgres(db)) return;
  await sql`create virtual table help_search_titles using fts5(
    article_id unindexed, system_token, title, tokenize = 'unicode61 remove_diacritics 0')`.execute(db);
  await sql`insert into help_search_titles (rowid, article_id, system_token, title) select rowid, article_id, system_token, title from help_search`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (await isPostgres(db)) return;
  await sql`drop table help_search_titles`.execute(db);
}
