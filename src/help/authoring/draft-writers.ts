import type { Kysely } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import type { DraftRow } from './article-for-writing.ts';
import { labelOf } from './article-for-writing.ts';

type DraftAuthorship = Pick<DraftRow, 'article_id' | 'author_staff_id' | 'author_label' | 'created_at'>;

/**
 * Whether `by` is the draft's author: who started it (or restored a version
 * into it). Staff are told apart by id, since two people may share a name;
 * a principal without one (the command line) by its label.
 */
export function isDraftAuthor(d: Pick<DraftRow, 'author_staff_id' | 'author_label'>, by: Principal): boolean {
  if (by.kind === 'staff') return d.author_staff_id === by.staffId;
  return d.author_staff_id === null && d.author_label === labelOf(by);
}

/**
 * The staff who saved or restored text into the article's current draft
 * since it was started. The append-only audit trail is the record: the
 * draft row keeps only its author and last label, and a colleague who
 * rewrote the draft must not then publish their own words unread.
 */
export async function draftWriterIds(db: Kysely<Database>, d: Pick<DraftRow, 'article_id' | 'created_at'>): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select('actor_staff_id')
    .distinct()
    .where('action', 'in', ['help.draft-saved', 'help.version-restored'])
    .where('at', '>=', d.created_at)
    .where('actor_staff_id', 'is not', null)
    // articleId is a UUID (no LIKE wildcards); detail is JSON.stringify of { articleId, ... }.
    .where('detail', 'like', `{"articleId":"${d.article_id}",%`)
    .execute();
  return rows.map((r) => r.actor_staff_id!);
}

/** The four-eyes test: `by` wrote some of this draft (started it, saved it or restored into it), given its writers. */
export function isDraftWriter(d: Pick<DraftRow, 'author_staff_id' | 'author_label'>, writerIds: readonly string[], by: Principal): boolean {
  return isDraftAuthor(d, by) || (by.kind === 'staff' && writerIds.includes(by.staffId));
}

export async function wroteDraft(db: Kysely<Database>, d: DraftAuthorship, by: Principal): Promise<boolean> {
  return isDraftWriter(d, await draftWriterIds(db, d), by);
}
