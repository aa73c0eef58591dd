import { sql, type Kysely } from 'kysely';
import { isPostgres } from './migration-dialect.ts';

// PostgreSQL only (issue 10, decision 0035): help_search_vectors' GIN indexes
// without a pending list. With GIN's default fastupdate, rows written since the
// last VACUUM wait in an unsorted list that every search reads in full, beside
// the index proper: after importing 50,000 articles (autovacuum had not run)
// counting a common word's matches read 355 index pages instead of 39 and took
// 5.0 ms instead of 3.1, a title tier 1.5 ms instead of 0.35. Off, each write
// goes into the index at once (a help import or publish writes a little more);
// the entries already waiting are moved in here. SQLite's FTS5 has no such list.

const INDEXES = ['help_search_vectors_title', 'help_search_vectors_meta', 'help_search_vectors_document'];

export async function up(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  for (const index of INDEXES) {
    await sql`alter index ${sql.id(index)} set (fastupdate = off)`.execute(db);
    await sql`select gin_clean_pending_list(${index}::regclass)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  for (const index of INDEXES) await sql`alter index ${sql.id(index)} reset (fastupdate)`.execute(db);
}
