import type { Transaction } from 'kysely';
import { principalName, type Principal } from '../../auth/principal.ts';
import type { Database, HelpArticleDraftsTable } from '../../db/schema.ts';
import { notFound, ValidationError } from '../../errors.ts';
import type { Selectable } from 'kysely';
import { DraftConflictError, type SavedDraft } from './draft-errors.ts';

export type DraftRow = Selectable<HelpArticleDraftsTable>;

/** The article an operation writes, with its system's slug (links and files render under it); another id is a 404. */
export async function articleForWriting(trx: Transaction<Database>, articleId: string) {
  const a = await trx
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .select(['a.id', 'a.system_id', 'a.category_id', 'a.slug', 'a.title', 'a.summary', 'a.tags', 'a.position', 'a.body_md', 'a.published', 'a.version_no', 'a.source_hash', 'a.last_draft_revision', 's.slug as systemSlug'])
    .where('a.id', '=', articleId)
    .executeTakeFirst();
  if (!a) throw notFound();
  return { ...a, published: Number(a.published), version_no: Number(a.version_no), position: Number(a.position), last_draft_revision: Number(a.last_draft_revision) };
}

export type ArticleForWriting = Awaited<ReturnType<typeof articleForWriting>>;

export async function draftOf(trx: Transaction<Database>, articleId: string): Promise<DraftRow | undefined> {
  const d = await trx.selectFrom('help_article_drafts').selectAll().where('article_id', '=', articleId).executeTakeFirst();
  return d ? { ...d, revision: Number(d.revision), base_version: Number(d.base_version), position: Number(d.position) } : undefined;
}

export function savedDraftOf(d: DraftRow): SavedDraft {
  return {
    revision: d.revision,
    title: d.title,
    slug: d.slug,
    summary: d.summary,
    tags: d.tags,
    categoryId: d.category_id,
    position: d.position,
    body: d.body_md,
    updatedByLabel: d.updated_by_label,
    updatedAt: d.updated_at,
  };
}

/** The draft at the revision the person saw, or the conflict that shows them what is stored now. */
export async function draftAtRevision(trx: Transaction<Database>, articleId: string, expectedRevision: number | undefined): Promise<DraftRow> {
  const d = await draftOf(trx, articleId);
  if (!d) throw new DraftConflictError(null);
  if (expectedRevision !== undefined && d.revision !== expectedRevision) throw new DraftConflictError(savedDraftOf(d));
  return d;
}

/** A draft's first revision: past every earlier draft's, so a form or schedule naming an old draft's revision never matches a new one. */
export const firstRevisionOf = (a: Pick<ArticleForWriting, 'last_draft_revision'>) => a.last_draft_revision + 1;

/** Publishing or discarding a draft: the article remembers how far its revisions went. */
export async function endDraft(trx: Transaction<Database>, articleId: string, revision: number): Promise<void> {
  await trx.updateTable('help_articles').set({ last_draft_revision: revision }).where('id', '=', articleId).where('last_draft_revision', '<', revision).execute();
}

/** A category of the article's own system: moving an article to another system is not offered (its URL, votes and readers are the system's). */
export async function checkCategory(trx: Transaction<Database>, systemId: string, categoryId: string): Promise<void> {
  const c = await trx.selectFrom('help_categories').select('id').where('id', '=', categoryId).where('system_id', '=', systemId).executeTakeFirst();
  if (!c) throw new ValidationError({ categoryId: 'Elija una categoría de este sistema.' });
}

/** What the draft and version tables keep of who acted. */
export const labelOf = (p: Principal) => principalName(p);
