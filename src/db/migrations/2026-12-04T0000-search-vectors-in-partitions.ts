import { sql, type Kysely } from 'kysely';
import { EVERY_WRITE, notifyChanges } from './change-notification-triggers.ts';
import { isPostgres } from './migration-dialect.ts';

// PostgreSQL only (issue 10, decision 0037): help_search_vectors in eight
// hash partitions (by article_id), each with its own GIN indexes and seq index.
//
// GIN answers only with a bitmap, built whole before the first row: counting
// "more than 1,000?" for two words in most articles read both posting lists
// to the end (33,220 matches, 4.3 ms at 50,000 articles) where FTS5 stops at
// the 1,001st. Over partitions the LIMIT stops the Append: the first
// partition's bitmap (an eighth of each list) usually holds enough, and the
// other partitions are never read. A set smaller than the LIMIT reads every
// partition, about what one index cost. Measured on the bench's 200 queries'
// first statements: execution −26 % mean, −28 % median (decision 0037).
//
// Everything else as in migrations 0013 and 2026-12-03T0000: vectors out of
// line and uncompressed with toast_tuple_target 128 (set per partition: a
// partitioned table holds no rows), GIN without a pending list, the same
// index names on the parent, the change triggers on the parent (a partition
// is only ever written through it).

export const PARTITIONS = 8;

const VECTOR_COLUMNS = sql`seq, article_id, system_id, title, meta, document`;
/** Named: the old table's (and a partition's) constraint of that name would otherwise make PostgreSQL pick "…_fkey1". */
const FOREIGN_KEY = sql`constraint help_search_vectors_article_id_fkey foreign key (article_id) references help_search(article_id) on delete cascade`;

async function copyInto(db: Kysely<any>, from: string, to: string): Promise<void> {
  await sql`insert into ${sql.id(to)} (${VECTOR_COLUMNS}) select ${VECTOR_COLUMNS} from ${sql.id(from)}`.execute(db);
}

async function indexes(db: Kysely<any>): Promise<void> {
  for (const column of ['title', 'meta', 'document']) {
    await sql`create index ${sql.id(`help_search_vectors_${column}`)} on help_search_vectors using gin (${sql.id(column)}) with (fastupdate = off)`.execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await sql`alter table help_search_vectors rename to help_search_vectors_single`.execute(db);
  // Names are the schema's: the old table's go out of the way of the new one's.
  for (const c of ['pkey', 'article_id_key']) await sql`alter table help_search_vectors_single rename constraint ${sql.id(`help_search_vectors_${c}`)} to ${sql.id(`help_search_vectors_single_${c}`)}`.execute(db);
  for (const name of ['title', 'meta', 'document']) await sql`alter index ${sql.id(`help_search_vectors_${name}`)} rename to ${sql.id(`help_search_vectors_single_${name}`)}`.execute(db);
  // The same columns, NOT NULLs and out-of-line storage; article_id stays unique and referenced.
  await sql`create table help_search_vectors (like help_search_vectors_single including storage,
    unique (article_id), ${FOREIGN_KEY}) partition by hash (article_id)`.execute(db);
  for (let i = 0; i < PARTITIONS; i++) {
    await sql`create table ${sql.id(`help_search_vectors_p${i}`)} partition of help_search_vectors
      for values with (modulus ${sql.lit(PARTITIONS)}, remainder ${sql.lit(i)}) with (toast_tuple_target = 128)`.execute(db);
  }
  await copyInto(db, 'help_search_vectors_single', 'help_search_vectors');
  await sql`drop table help_search_vectors_single`.execute(db);
  // seq: no longer the key (a key of a partitioned table must hold article_id); unique by where it comes from (help_search.seq).
  await sql`create index help_search_vectors_seq on help_search_vectors (seq)`.execute(db);
  await indexes(db);
  await notifyChanges(db, 'help_search_vectors', EVERY_WRITE);
  // Partitions are analysed one by one (autovacuum never analyses a partitioned parent).
  for (let i = 0; i < PARTITIONS; i++) await sql`analyze ${sql.id(`help_search_vectors_p${i}`)}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await sql`alter table help_search_vectors rename to help_search_vectors_partitioned`.execute(db);
  await sql`alter table help_search_vectors_partitioned rename constraint help_search_vectors_article_id_key to help_search_vectors_partitioned_article_id_key`.execute(db);
  for (const name of ['seq', 'title', 'meta', 'document']) await sql`alter index ${sql.id(`help_search_vectors_${name}`)} rename to ${sql.id(`help_search_vectors_partitioned_${name}`)}`.execute(db);
  await sql`create table help_search_vectors (like help_search_vectors_partitioned including storage,
    primary key (seq), unique (article_id), ${FOREIGN_KEY}) with (toast_tuple_target = 128)`.execute(db);
  await copyInto(db, 'help_search_vectors_partitioned', 'help_search_vectors');
  await sql`drop table help_search_vectors_partitioned`.execute(db);
  await indexes(db);
  await notifyChanges(db, 'help_search_vectors', EVERY_WRITE);
  await sql`analyze help_search_vectors`.execute(db);
}
