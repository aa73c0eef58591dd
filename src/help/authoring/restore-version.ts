import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { ArticleId, Revision } from './article-fields.ts';
import { articleForWriting, draftAtRevision, firstRevisionOf, labelOf } from './article-for-writing.ts';
import { DraftConflictError } from './draft-errors.ts';
import type { HelpWriteContext } from './help-write-context.ts';

export const RestoreVersionInput = z.object({
  articleId: ArticleId,
  versionNo: z.coerce.number().int().min(1).max(1_000_000_000),
  /** The draft's revision the person saw; 0 or absent when there was no draft. */
  expectedRevision: Revision.optional(),
});

/**
 * Copy version N into the draft: a new draft when there is none, or over
 * the draft the person saw (optimistic lock). It publishes nothing: the
 * restored text goes through review and publish like any other, and a
 * slug another article took since is caught when saved or published.
 */
export async function restoreVersion(
  trx: Transaction<Database>,
  ctx: HelpWriteContext,
  by: Principal,
  input: z.input<typeof RestoreVersionInput>,
): Promise<{ revision: number }> {
  const parsed = RestoreVersionInput.safeParse(input);
  if (!parsed.success) throw notFound();
  const { articleId, versionNo, expectedRevision } = parsed.data;
  const a = await articleForWriting(trx, articleId);
  const v = await trx.selectFrom('help_article_versions').selectAll().where('article_id', '=', a.id).where('version_no', '=', versionNo).executeTakeFirst();
  if (!v) throw notFound();
  const at = ctx.now.toISOString();
  const label = labelOf(by);
  // A category deleted since: the draft keeps the article's current one.
  const category = await trx.selectFrom('help_categories').select('id').where('id', '=', v.category_id).where('system_id', '=', a.system_id).executeTakeFirst();
  const content = {
    category_id: category ? v.category_id : a.category_id, slug: v.slug, title: v.title, summary: v.summary, tags: v.tags, position: Number(v.position), body_md: v.body_md,
    updated_by_label: label, updated_at: at,
  };
  let revision: number;
  if (!expectedRevision) {
    const inserted = await trx
      .insertInto('help_article_drafts')
      .values({
        article_id: a.id, ...content, state: 'draft', revision: firstRevisionOf(a), base_version: a.version_no, author_staff_id: by.kind === 'staff' ? by.staffId : null, author_label: label,
        created_at: at, submitted_at: null,
      })
      .onConflict((oc) => oc.column('article_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) await draftAtRevision(trx, a.id, -1);
    revision = firstRevisionOf(a);
  } else {
    await draftAtRevision(trx, a.id, expectedRevision);
    // The restorer wrote this draft's text now: they become its author (four-eyes), and it goes back to being written.
    const updated = await trx
      .updateTable('help_article_drafts')
      .set((eb) => ({ ...content, state: 'draft', submitted_at: null, author_staff_id: by.kind === 'staff' ? by.staffId : null, author_label: label, revision: eb('revision', '+', 1) }))
      .where('article_id', '=', a.id)
      .where('revision', '=', expectedRevision)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new DraftConflictError(null);
    revision = expectedRevision + 1;
  }
  await recordAuditEvent(trx, { action: 'help.version-restored', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: v.title, detail: { articleId: a.id, version: versionNo, revision } });
  return { revision };
}
