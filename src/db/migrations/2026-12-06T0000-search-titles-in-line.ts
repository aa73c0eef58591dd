import { sql, type Kysely } from 'kysely';
import { isPostgres } from './migration-dialect.ts';

// PostgreSQL only (issue 10, decision 0038): the title's vector of
// help_search_vectors kept in the row (storage MAIN) instead of out of line
// (EXTERNAL, migration 0013).
//
// With toast_tuple_target 128 nearly every title went to the TOAST table, so
// each test of a title outside its GIN index read it from there: the walk of
// the seq index for a tier of many matches ("cliente": every title with the
// word, newest first) tested hundreds of rows at about three buffers each, and
// the title tiers' "not every word in the title" filters did the same. A title
// is about 60 bytes: in the row it costs the heap a third more pages (823 to
// 1,083 at 50,000 articles) and saves those reads. The summary, headings and
// tags (meta, about 340 bytes) stay out of line: measured in the row too, no
// faster (the heap triples).
//
// CLUSTER rewrites each partition, which puts the titles in the rows under the
// new storage (ALTER … SET STORAGE alone changes only rows written later), in
// seq order, the order the seq index walks. 7.6 s at 50,000 articles, in the
// migration's transaction.

async function rewrite(db: Kysely<any>, storage: 'main' | 'external'): Promise<void> {
  // The parent's setting is what later partitions and LIKE copies take; it recurses to the partitions.
  await sql`alter table help_search_vectors alter column title set storage ${sql.raw(storage)}`.execute(db);
  // A new database has no rows to rewrite: the setting is enough for those written later (and every test's
  // fresh schema skips eight CLUSTERs and ANALYZEs, 60–90 ms).
  const any = await sql<{ found: boolean }>`select exists (select 1 from help_search_vectors) as found`.execute(db);
  if (!any.rows[0]?.found) return;
  const partitions = await sql<{ partition: string; index: string }>`
    select c.relname as partition, i.relname as index
    from pg_inherits p
    join pg_class c on c.oid = p.inhrelid
    join pg_index x on x.indrelid = c.oid
    join pg_class i on i.oid = x.indexrelid
    join pg_inherits pi on pi.inhrelid = i.oid and pi.inhparent = to_regclass('help_search_vectors_seq')
    where p.inhparent = to_regclass('help_search_vectors')
    order by c.relname`.execute(db);
  for (const p of partitions.rows) {
    await sql`cluster ${sql.id(p.partition)} using ${sql.id(p.index)}`.execute(db);
    await sql`analyze ${sql.id(p.partition)}`.execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await rewrite(db, 'main');
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await rewrite(db, 'external');
}
