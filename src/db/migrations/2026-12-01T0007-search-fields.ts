import { sql, type Kysely } from 'kysely';
import { isPostgres } from './migration-dialect.ts';

// Issue 9: the search index gains the summary as a field of its own, keeps
// each field's analysed stems where the ranking can read them (the score is
// a BM25F computed in TypeScript, the same on both databases), and keeps a
// document frequency per stem (help_search_terms) for the IDF, which
// PostgreSQL's ts_rank lacks.
//
// The index is emptied, not refilled: a migration may not import app code,
// and the stems come from the TypeScript analyser. When there are published
// articles, help_index_state.format is left at 0, so boot
// (ensureSearchIndexFormat in search-index-format.ts) sees an old format and
// re-indexes every published article before serving.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = await isPostgres(db);

  await db.schema.alterTable('help_index_state').addColumn('format', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  // term: a stem → how many indexed articles have it (any field); '#docs' →
  // how many articles are indexed; '#len:<field>' → the sum of that field's
  // lengths in stems (the BM25F length normalisation). Stems are [a-z0-9]+,
  // so '#' keys cannot collide with them.
  await db.schema
    .createTable('help_search_terms')
    .addColumn('term', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();

  if (pg) {
    await sql`delete from help_search`.execute(db);
    for (const column of ['title', 'summary', 'headings', 'tags', 'body']) {
      await sql`alter table help_search add column ${sql.raw(column)} text not null default ''`.execute(db);
    }
  } else {
    await sql`drop table help_search`.execute(db);
    await sql`delete from help_search_docs`.execute(db);
    await sql`create virtual table help_search using fts5(
      article_id unindexed, system_token, title, summary, headings, tags, body,
      prefix = '2 3', tokenize = 'unicode61 remove_diacritics 0')`.execute(db);
    await sql`insert into help_search (help_search, rank) values ('rank', 'bm25(0, 0, 10.0, 3.0, 4.0, 4.0, 1.0)')`.execute(db);
  }
  // Format 1 is what the code writes from now on. An empty help (a new
  // database) has nothing to re-index: it starts at 1, so a first import of
  // 50,000 articles is not indexed twice (once by the import, once by boot).
  const published = await db.selectFrom('help_articles').select((eb) => eb.fn.countAll().as('n')).where('published', '=', 1).executeTakeFirst();
  await db.updateTable('help_index_state').set({ version: sql`version + 1`, format: Number(published?.n ?? 0) > 0 ? 0 : 1 }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = await isPostgres(db);
  await db.schema.dropTable('help_search_terms').execute();
  await db.schema.alterTable('help_index_state').dropColumn('format').execute();
  if (pg) {
    await sql`delete from help_search`.execute(db);
    for (const column of ['title', 'summary', 'headings', 'tags', 'body']) await sql`alter table help_search drop column ${sql.raw(column)}`.execute(db);
  } else {
    await sql`drop table help_search`.execute(db);
    await sql`delete from help_search_docs`.execute(db);
    await sql`create virtual table help_search using fts5(
      article_id unindexed, system_token, title, headings, tags, body,
      prefix = '2 3', tokenize = 'unicode61 remove_diacritics 0')`.execute(db);
    await sql`insert into help_search (help_search, rank) values ('rank', 'bm25(0, 0, 10.0, 4.0, 4.0, 1.0)')`.execute(db);
  }
  // The old format's index is rebuilt by re-importing (source_hash cleared).
  await db.updateTable('help_articles').set({ source_hash: '' }).execute();
}
