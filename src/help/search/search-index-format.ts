import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../../db/create-db.ts';
import type { Database } from '../../db/schema.ts';
import { bumpIndexVersion, writeSearchEntries, type IndexableArticle } from './search-index.ts';

/**
 * The index's format: raise it whenever the analyser (stemmer, stop words,
 * tokenizer) or the index's shape changes, so that what is stored is stemmed
 * like what is searched. 1: issue 9 (summary field, per-field stems, term
 * counts, the stemmer's over-stemming fixed).
 */
export const SEARCH_INDEX_FORMAT = 1;

const CHUNK = 500;

/**
 * Re-indexes every published article when the stored index is of an older
 * format. Migrations cannot do it (they import no app code, and the stems
 * come from the TypeScript analyser), so boot does, before serving. One
 * transaction that first takes the state row: a second process booting at the
 * same time waits, then sees the new format and does nothing; a process that
 * dies half-way leaves the old format and the next boot starts again.
 * Returns how many articles were re-indexed.
 */
export async function ensureSearchIndexFormat(db: Kysely<Database>, dialect: Dialect): Promise<number> {
  const state = await db.selectFrom('help_index_state').select('format').where('id', '=', 1).executeTakeFirst();
  if (!state || Number(state.format) >= SEARCH_INDEX_FORMAT) return 0;
  return db.transaction().execute(async (trx) => {
    // A write first: SQLite takes its write lock, PostgreSQL the row's.
    await trx.updateTable('help_index_state').set({ format: sql`format` }).where('id', '=', 1).execute();
    const now = await trx.selectFrom('help_index_state').select('format').where('id', '=', 1).executeTakeFirst();
    if (!now || Number(now.format) >= SEARCH_INDEX_FORMAT) return 0;
    let done = 0;
    for (let after = ''; ; ) {
      const rows = await trx
        .selectFrom('help_articles')
        .select(['id', 'system_id', 'title', 'summary', 'toc', 'tags', 'body_text'])
        .where('published', '=', 1)
        .where('id', '>', after)
        .orderBy('id')
        .limit(CHUNK)
        .execute();
      if (rows.length === 0) break;
      const articles: IndexableArticle[] = rows.map((a) => ({
        id: a.id,
        systemId: a.system_id,
        title: a.title,
        summary: a.summary,
        headings: headingsOf(a.toc),
        tags: a.tags,
        bodyText: a.body_text,
      }));
      await writeSearchEntries(trx, dialect, articles);
      done += rows.length;
      after = rows.at(-1)!.id;
    }
    await trx.updateTable('help_index_state').set({ format: SEARCH_INDEX_FORMAT }).where('id', '=', 1).execute();
    await bumpIndexVersion(trx);
    return done;
  });
}

function headingsOf(toc: string): string[] {
  try {
    const entries = JSON.parse(toc) as Array<{ text?: unknown }>;
    return Array.isArray(entries) ? entries.flatMap((e) => (typeof e?.text === 'string' ? [e.text] : [])) : [];
  } catch {
    return [];
  }
}
