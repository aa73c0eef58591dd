import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { foldText } from './fold-text.ts';

/** A search that found nothing: counted per folded query and system, for the vendor to write what is missing. */
export async function recordSearchMiss(db: Kysely<Database>, m: { text: string; systemSlug: string | null; now: Date }): Promise<void> {
  const query = foldText(m.text).replace(/\s+/g, ' ').trim().slice(0, 200);
  if (!query) return;
  const at = m.now.toISOString();
  await db
    .insertInto('help_search_misses')
    .values({ query, system_slug: m.systemSlug ?? '', count: 1, first_at: at, last_at: at })
    .onConflict((oc) => oc.columns(['query', 'system_slug']).doUpdateSet((eb) => ({ count: eb('help_search_misses.count', '+', 1), last_at: at })))
    .execute();
}

export async function listSearchMisses(db: Kysely<Database>, limit = 50) {
  return db.selectFrom('help_search_misses').selectAll().orderBy('count', 'desc').orderBy('last_at', 'desc').limit(limit).execute();
}
