import { sql, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from '../../db/create-db.ts';
import { inChunks } from '../../db/in-chunks.ts';
import type { Database } from '../../db/schema.ts';
import { foldText } from './fold-text.ts';
import { stemSpanish } from './spanish-stemmer.ts';
import { isStopWord } from './spanish-stop-words.ts';
import { tokenize } from './tokenize.ts';

/** What the search index needs of an article; written by the import, in its transaction. */
export interface IndexableArticle {
  id: string;
  systemId: string;
  title: string;
  summary: string;
  headings: string[];
  tags: string;
  bodyText: string;
}

type Db = Kysely<Database> | Transaction<Database>;

/** The FTS5 token standing for a system: "sys" and the id's letters and digits (a UUID's hyphens would split it). */
export function systemToken(systemId: string): string {
  return `sys${systemId.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

const CHUNK = 400;
const chunks = <T>(items: readonly T[], size = CHUNK) => inChunks(items, size);

/** Analysed text for one field, plus the words it saw (for the typo vocabulary). */
function analyseField(text: string, words: Map<string, string>): string {
  const stems: string[] = [];
  for (const t of tokenize(text)) {
    if (isStopWord(t.folded)) continue;
    const stem = stemSpanish(t.folded);
    stems.push(stem);
    if (!words.has(t.folded)) words.set(t.folded, stem);
  }
  return stems.join(' ');
}

/** The indexed fields, in the order of the FTS5 columns; each holds stems separated by single spaces. */
export const SEARCH_FIELDS = ['title', 'summary', 'headings', 'tags', 'body'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];
export type FieldStems = Record<SearchField, string>;

/** help_search_terms keys of the totals: articles indexed, and each field's length summed over them. */
export const DOCS_KEY = '#docs';
export const lengthKey = (f: SearchField) => `#len:${f}`;

/** How many stems a field holds. */
export function fieldLength(stems: string): number {
  if (stems === '') return 0;
  let n = 1;
  for (let i = stems.indexOf(' '); i >= 0; i = stems.indexOf(' ', i + 1)) n++;
  return n;
}

/** What one article adds to help_search_terms: one per distinct stem, one to #docs, its field lengths. */
function termCounts(rows: FieldStems[], sign: 1 | -1): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (k: string, n: number) => counts.set(k, (counts.get(k) ?? 0) + sign * n);
  for (const r of rows) {
    add(DOCS_KEY, 1);
    const distinct = new Set<string>();
    for (const f of SEARCH_FIELDS) {
      add(lengthKey(f), fieldLength(r[f]));
      if (r[f] !== '') for (const s of r[f].split(' ')) distinct.add(s);
    }
    for (const s of distinct) add(s, 1);
  }
  return counts;
}

/**
 * Adds (or takes away) the counts. Keys in sorted order, so two transactions
 * that touch the same terms lock them in the same order (PostgreSQL: no
 * deadlock between two publishes).
 */
async function applyTermCounts(db: Db, counts: Map<string, number>): Promise<void> {
  const rows = [...counts].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const part of chunks(rows)) {
    await db
      .insertInto('help_search_terms')
      .values(part.map(([term, count]) => ({ term, count })))
      .onConflict((oc) => oc.column('term').doUpdateSet({ count: sql`help_search_terms.count + excluded.count` }))
      .execute();
  }
  if (rows.some(([, n]) => n < 0)) await db.deleteFrom('help_search_terms').where('count', '<=', 0).execute();
}

/**
 * Between two fields of a PostgreSQL vector: the fields are joined into one
 * text, which would put the first word of a field right after the last of the
 * one before, so a phrase ("bolet honorari") could span title and summary,
 * which FTS5 columns never allow. A non-ASCII letter is kept by the 'simple'
 * parser and is never a query stem ([a-z0-9]+), so it only keeps the fields
 * apart. (Migration 0013 fills existing rows with the same text.)
 */
const FIELD_GAP = 'ǂ';
const GAP = ` ${FIELD_GAP} `;

/** Put these articles in the search index (replacing what it had for them). */
export async function writeSearchEntries(db: Db, dialect: Dialect, articles: IndexableArticle[]): Promise<void> {
  if (articles.length === 0) return;
  await removeSearchEntries(db, dialect, articles.map((a) => a.id));
  const words = new Map<string, string>();
  const rows = articles.map((a) => ({
    id: a.id,
    systemId: a.systemId,
    title: analyseField(a.title, words),
    summary: analyseField(a.summary, words),
    headings: analyseField(a.headings.join('\n'), words),
    tags: analyseField(a.tags, words),
    body: analyseField(a.bodyText, words),
  }));
  for (const part of chunks(rows, 200)) {
    if (dialect === 'postgres') {
      // The stems of each field are what the ranking reads (bm25f.ts); help_search_vectors, made from them in
      // the same statement, is what finds the candidates and the broad search's tiers (migration 0013).
      await sql`with indexed as (insert into help_search (article_id, system_id, title, summary, headings, tags, body) values ${sql.join(
        part.map((r) => sql`(${r.id}, ${r.systemId}, ${r.title}, ${r.summary}, ${r.headings}, ${r.tags}, ${r.body})`),
      )} returning seq, article_id, system_id, title, summary, headings, tags, body)
        insert into help_search_vectors (seq, article_id, system_id, title, meta, document)
        select seq, article_id, system_id, to_tsvector('simple', title), to_tsvector('simple', concat_ws(${GAP}::text, summary, headings, tags)),
          to_tsvector('simple', concat_ws(${GAP}::text, title, summary, headings, tags, body))
        from indexed`.execute(db);
    } else {
      // Rowids come from help_search_docs, in insertion order: a re-indexed article gets a higher one (ties go to it).
      const docs = await sql<{ id: number; article_id: string }>`insert into help_search_docs (article_id) values ${sql.join(part.map((r) => sql`(${r.id})`))} returning id, article_id`.execute(db);
      const rowid = new Map(docs.rows.map((d) => [d.article_id, d.id]));
      await sql`insert into help_search (rowid, article_id, system_token, title, summary, headings, tags, body) values ${sql.join(
        part.map((r) => sql`(${rowid.get(r.id)!}, ${r.id}, ${systemToken(r.systemId)}, ${r.title}, ${r.summary}, ${r.headings}, ${r.tags}, ${r.body})`),
      )}`.execute(db);
      // The titles again, alone (migration 0015): the broad search's first tier reads their short doclists.
      await sql`insert into help_search_titles (rowid, article_id, system_token, title) values ${sql.join(
        part.map((r) => sql`(${rowid.get(r.id)!}, ${r.id}, ${systemToken(r.systemId)}, ${r.title})`),
      )}`.execute(db);
    }
  }
  await applyTermCounts(db, termCounts(rows, 1));
  for (const part of chunks([...words])) {
    await db
      .insertInto('help_search_words')
      .values(part.map(([word, stem]) => ({ word, stem })))
      .onConflict((oc) => oc.column('word').doNothing())
      .execute();
  }
}

/** Take articles out of the search index (unpublished ones are not searchable). */
export async function removeSearchEntries(db: Db, dialect: Dialect, articleIds: string[]): Promise<void> {
  for (const ids of chunks(articleIds)) {
    const fields = sql.raw(SEARCH_FIELDS.join(', '));
    if (dialect === 'postgres') {
      const old = await sql<FieldStems>`delete from help_search where article_id in (${sql.join(ids)}) returning ${fields}`.execute(db);
      await applyTermCounts(db, termCounts(old.rows, -1));
    } else {
      const inDocs = sql`rowid in (select id from help_search_docs where article_id in (${sql.join(ids)}))`;
      const old = await sql<FieldStems>`select ${fields} from help_search where ${inDocs}`.execute(db);
      await sql`delete from help_search where ${inDocs}`.execute(db);
      await sql`delete from help_search_titles where ${inDocs}`.execute(db);
      await sql`delete from help_search_docs where article_id in (${sql.join(ids)})`.execute(db);
      await applyTermCounts(db, termCounts(old.rows, -1));
    }
  }
}

/** Replace the vendor's synonym groups (folded entries; an entry may be a phrase, "nota de credito"). */
export async function replaceSynonyms(db: Db, groups: string[][]): Promise<void> {
  await db.deleteFrom('help_synonyms').execute();
  const rows = groups.flatMap((g, i) => [...new Set(g.map((w) => foldText(w.trim()).replace(/\s+/g, ' ')).filter(Boolean))].map((word) => ({ group_no: i + 1, word })));
  for (const part of chunks(rows)) await db.insertInto('help_synonyms').values(part).execute();
}

/** Tell every search process that the index changed (they reload vocabulary and synonyms). */
export async function bumpIndexVersion(db: Db): Promise<void> {
  await db.updateTable('help_index_state').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).execute();
}
