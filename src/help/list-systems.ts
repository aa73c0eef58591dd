import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface SystemItem {
  slug: string;
  name: string;
}

/** The systems, in their order: what `contract add --system` and the import's "sistema" column take. */
export async function listSystems(db: Kysely<Database>): Promise<SystemItem[]> {
  return db.selectFrom('systems').select(['slug', 'name']).orderBy('position').orderBy('slug').execute();
}
