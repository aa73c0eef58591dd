import { sql, type Kysely } from 'kysely';
import { isPostgres } from './migration-dialect.ts';

// The help center: search index, attachments, feedback, reading counts,
// per-user scope. The search index holds text already analysed in
// TypeScript (folded, stemmed, without stop words), so SQLite's FTS5 and
// PostgreSQL's tsvector index the same terms and answer the same queries
// (docs/decisions/0006).

export async function up(db: Kysely<any>): Promise<void> {
  const pg = await isPostgres(db);

  await db.schema.alterTable('help_articles').addColumn('body_text', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('help_articles').addColumn('toc', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.alterTable('help_articles').addColumn('source_hash', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.createIndex('help_articles_updated').on('help_articles').columns(['system_id', 'updated_at']).execute();

  await db.schema
    .createTable('help_article_tags')
    .addColumn('article_id', 'text', (c) => c.notNull().references('help_articles.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_article_tags_pk', ['article_id', 'tag'])
    .execute();
  await db.schema.createIndex('help_article_tags_tag').on('help_article_tags').column('tag').execute();

  await db.schema
    .createTable('help_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('help_articles.id').onDelete('cascade'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('help_attachments_article_path_unique', ['article_id', 'path'])
    .execute();

  await db.schema
    .createTable('help_votes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('article_id', 'text', (c) => c.notNull().references('help_articles.id').onDelete('cascade'))
    .addColumn('helpful', 'integer', (c) => c.notNull().check(sql`helpful in (0, 1)`))
    .addColumn('comment', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_votes_pk', ['user_id', 'article_id'])
    .execute();
  await db.schema.createIndex('help_votes_article').on('help_votes').column('article_id').execute();

  await db.schema
    .createTable('help_reads')
    .addColumn('article_id', 'text', (c) => c.notNull().references('help_articles.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_reads_pk', ['article_id', 'day'])
    .execute();

  await db.schema
    .createTable('help_search_misses')
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('system_slug', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_search_misses_pk', ['query', 'system_slug'])
    .execute();

  await db.schema
    .createTable('help_synonyms')
    .addColumn('group_no', 'integer', (c) => c.notNull())
    .addColumn('word', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_synonyms_pk', ['group_no', 'word'])
    .execute();

  // Every word the index has seen, with its stem: typo forgiveness works on
  // the words people type, not on stems.
  await db.schema
    .createTable('help_search_words')
    .addColumn('word', 'text', (c) => c.primaryKey())
    .addColumn('stem', 'text', (c) => c.notNull())
    .execute();

  // Bumped by every import that changed the index: search processes reload
  // their vocabulary and synonyms when they see it move.
  await db.schema
    .createTable('help_index_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('help_index_state').values({ id: 1, version: 0 }).execute();

  // No rows for a user: every contracted system. Rows: only those systems.
  await db.schema
    .createTable('user_help_scope')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_help_scope_pk', ['user_id', 'system_id'])
    .execute();

  if (pg) {
    await sql`create table help_search (
      article_id text primary key references help_articles(id) on delete cascade,
      system_id text not null,
      -- Rises every time an article is (re)indexed: ties in rank go to the newer text.
      seq bigserial not null,
      document tsvector not null)`.execute(db);
    await sql`create index help_search_document on help_search using gin (document)`.execute(db);
  } else {
    // FTS5 rows are found by integer rowid; this table gives each article one
    // (help_articles' own rowid is not stable across VACUUM).
    await sql`create table help_search_docs (
      id integer primary key,
      article_id text not null unique references help_articles(id) on delete cascade)`.execute(db);
    // The text is already folded and stemmed: unicode61 only splits on spaces here.
    // The system is a token of its own ("sys" + the id's hex), so filtering by
    // the reader's systems is a match on the index, not a read of every row.
    await sql`create virtual table help_search using fts5(
      article_id unindexed, system_token, title, headings, tags, body,
      prefix = '2 3', tokenize = 'unicode61 remove_diacritics 0')`.execute(db);
    // Title above headings and tags above body, as the table's rank.
    await sql`insert into help_search (help_search, rank) values ('rank', 'bm25(0, 0, 10.0, 4.0, 4.0, 1.0)')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table help_search`.execute(db);
  await sql`drop table if exists help_search_docs`.execute(db);
  for (const t of ['user_help_scope', 'help_index_state', 'help_search_words', 'help_synonyms', 'help_search_misses', 'help_reads', 'help_votes', 'help_attachments', 'help_article_tags']) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.dropIndex('help_articles_updated').execute();
  for (const c of ['source_hash', 'toc', 'body_text']) await db.schema.alterTable('help_articles').dropColumn(c).execute();
}
