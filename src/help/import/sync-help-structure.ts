import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { foldText } from '../search/fold-text.ts';
import { replaceSynonyms } from '../search/search-index.ts';
import type { HelpTree } from './help-tree.ts';

// What a help folder says besides its articles: systems.json (systems and
// their categories, in order) and sinonimos.txt. The import brings both into
// its transaction before the articles, writing only what differs.

/** The folder's systems and their categories, created or updated in place (ids kept), by slug. */
export async function upsertSystems(trx: Transaction<Database>, tree: HelpTree): Promise<Map<string, { id: string; categories: Map<string, string> }>> {
  const systems = new Map((await trx.selectFrom('systems').selectAll().execute()).map((s) => [s.slug, s]));
  const categories = new Map((await trx.selectFrom('help_categories').selectAll().execute()).map((c) => [`${c.system_id}/${c.slug}`, c]));
  const ids = new Map<string, { id: string; categories: Map<string, string> }>();
  for (const [position, s] of tree.systems.entries()) {
    const existing = systems.get(s.slug);
    const id = existing?.id ?? randomUUID();
    const values = { name: s.name, description: s.description, position };
    if (!existing) await trx.insertInto('systems').values({ id, slug: s.slug, ...values }).execute();
    else if (existing.name !== s.name || existing.description !== s.description || Number(existing.position) !== position) {
      await trx.updateTable('systems').set(values).where('id', '=', id).execute();
    }
    const categoryIds = new Map<string, string>();
    for (const [cpos, c] of s.categories.entries()) {
      const cat = categories.get(`${id}/${c.slug}`);
      const cid = cat?.id ?? randomUUID();
      if (!cat) await trx.insertInto('help_categories').values({ id: cid, system_id: id, slug: c.slug, name: c.name, position: cpos }).execute();
      else if (cat.name !== c.name || Number(cat.position) !== cpos) await trx.updateTable('help_categories').set({ name: c.name, position: cpos }).where('id', '=', cid).execute();
      categoryIds.set(c.slug, cid);
    }
    ids.set(s.slug, { id, categories: categoryIds });
  }
  return ids;
}

/** Replace the synonym groups only when they differ, so an unchanged folder writes nothing. */
export async function syncSynonyms(trx: Transaction<Database>, groups: string[][] | null): Promise<boolean> {
  if (groups === null) return false;
  const key = (n: number, w: string) => `${n}\u0000${w}`;
  const wanted = groups.flatMap((g, i) => [...new Set(g.map((w) => foldText(w.trim())).filter(Boolean))].map((w) => key(i + 1, w))).sort();
  const current = (await trx.selectFrom('help_synonyms').select(['group_no', 'word']).execute()).map((r) => key(Number(r.group_no), r.word)).sort();
  if (wanted.length === current.length && wanted.every((w, i) => w === current[i])) return false;
  await replaceSynonyms(trx, groups);
  return true;
}
