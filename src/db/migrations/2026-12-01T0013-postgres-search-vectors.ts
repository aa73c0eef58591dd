import { sql, type Kysely } from 'kysely';
import { EVERY_WRITE, notifyChanges } from './change-notification-triggers.ts';
import { isPostgres } from './migration-dialect.ts';

// Issue 10: search on PostgreSQL as fast as on SQLite (decision 0022). The
// one weighted `document` of help_search (title A, summary/headings/tags B,
// body D) made every tier test a weight-restricted tsquery, which GIN cannot
// answer alone: each matching row's document (body included, TOASTed) was
// read and decompressed, and for a common word the planner scanned all 50,000.
//
// Now a narrow table of its own, one row per indexed article:
//   - title: the title's stems; meta: summary, headings and tags; document:
//     every field. Each has its own GIN index, so "in the title" or "in the
//     summary, headings or tags" is an index condition or a test of a small
//     vector kept in the row, never a read of the body.
//   - toast_tuple_target 128 with the vectors stored out of line, not
//     compressed (EXTERNAL): the heap keeps about 130 bytes a row (seq, ids,
//     pointers; 50,000 articles in 6.5 MB instead of 80), so counting a common
//     word's matches from the GIN bitmap visits few pages (the heap is read
//     for visibility only), and `order by seq desc limit n` walks the seq
//     primary key, reading a vector only for the rows it tests.
// The stems stay in help_search (what the ranking reads). SQLite is
// untouched. The vectors are made from the stems help_search already holds,
// so existing rows are filled here, in SQL, with no app code.

/** Keeps the fields apart in a vector: see FIELD_GAP in search-index.ts (a phrase never spans two fields). */
const GAP = 'ǂ';

export async function up(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await sql`create table help_search_vectors (
    seq bigint primary key,
    article_id text not null unique references help_search(article_id) on delete cascade,
    system_id text not null,
    title tsvector not null,
    meta tsvector not null,
    document tsvector not null) with (toast_tuple_target = 128)`.execute(db);
  await sql`alter table help_search_vectors alter column title set storage external, alter column meta set storage external, alter column document set storage external`.execute(db);
  await sql`insert into help_search_vectors (seq, article_id, system_id, title, meta, document)
    select seq, article_id, system_id, to_tsvector('simple', title),
      to_tsvector('simple', concat_ws(${` ${GAP} `}::text, summary, headings, tags)),
      to_tsvector('simple', concat_ws(${` ${GAP} `}::text, title, summary, headings, tags, body))
    from help_search`.execute(db);
  await sql`create index help_search_vectors_title on help_search_vectors using gin (title)`.execute(db);
  await sql`create index help_search_vectors_meta on help_search_vectors using gin (meta)`.execute(db);
  await sql`create index help_search_vectors_document on help_search_vectors using gin (document)`.execute(db);
  await sql`drop index help_search_document`.execute(db);
  await sql`alter table help_search drop column document`.execute(db);
  // Written with help_search (which notifies) in the same statements; its own triggers keep the rule "every table notifies or is quiet".
  await notifyChanges(db, 'help_search_vectors', EVERY_WRITE);
  await sql`analyze help_search_vectors`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await sql`alter table help_search add column document tsvector`.execute(db);
  await sql`update help_search set document = setweight(to_tsvector('simple', title || ${` ${GAP}`}::text), 'A')
    || setweight(to_tsvector('simple', concat_ws(${` ${GAP} `}::text, summary, headings, tags, '')), 'B')
    || setweight(to_tsvector('simple', body), 'D')`.execute(db);
  await sql`alter table help_search alter column document set not null`.execute(db);
  await sql`create index help_search_document on help_search using gin (document)`.execute(db);
  await sql`drop table help_search_vectors`.execute(db);
}
