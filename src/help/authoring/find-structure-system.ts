import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { STRUCTURE_SLUG } from './structure-fields.ts';

/** A system by its slug, for the console's structure pages; 404 for any other string (a NUL byte included). */
export async function findStructureSystem(db: Kysely<Database>, slug: string): Promise<{ id: string; slug: string; name: string; description: string }> {
  if (!STRUCTURE_SLUG.test(slug)) throw notFound();
  const s = await db.selectFrom('systems').select(['id', 'slug', 'name', 'description']).where('slug', '=', slug).executeTakeFirst();
  if (!s) throw notFound();
  return s;
}

/** A category of a system by their slugs; 404 when either is not there. */
export async function findStructureCategory(db: Kysely<Database>, systemSlug: string, categorySlug: string) {
  const system = await findStructureSystem(db, systemSlug);
  if (!STRUCTURE_SLUG.test(categorySlug)) throw notFound();
  const c = await db.selectFrom('help_categories').select(['id', 'slug', 'name', 'description', 'position']).where('system_id', '=', system.id).where('slug', '=', categorySlug).executeTakeFirst();
  if (!c) throw notFound();
  return { system, category: c };
}
