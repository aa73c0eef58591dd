import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { formatSynonymList, synonymListHash } from './synonym-list.ts';

export interface StoredSynonyms {
  groups: string[][];
  /** The editor's text for them. */
  text: string;
  /** synonymListHash(groups): what a save must start from. */
  hash: string;
}

/** The synonym groups in force, as stored (folded: no accents, lower case), in group order. */
export async function loadSynonyms(db: Kysely<Database> | Transaction<Database>): Promise<StoredSynonyms> {
  const rows = await db.selectFrom('help_synonyms').select(['group_no', 'word']).orderBy('group_no').orderBy('word').execute();
  const byGroup = new Map<number, string[]>();
  for (const r of rows) byGroup.set(Number(r.group_no), [...(byGroup.get(Number(r.group_no)) ?? []), r.word]);
  const groups = [...byGroup.values()];
  return { groups, text: formatSynonymList(groups), hash: synonymListHash(groups) };
}
