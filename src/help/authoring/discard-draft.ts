import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { ArticleId, Revision } from './article-fields.ts';
import { articleForWriting, draftAtRevision, endDraft } from './article-for-writing.ts';
import { DraftConflictError } from './draft-errors.ts';
import type { HelpWriteContext } from './help-write-context.ts';

export const DiscardDraftInput = z.object({ articleId: ArticleId, expectedRevision: Revision });

/**
 * Throw the draft away, with the files uploaded for it; what is published
 * stays as it is. An article that never reached readers (created in the
 * console, never published) has nothing left once its draft goes, so it
 * goes too: its slug is free again.
 */
export async function discardDraft(
  trx: Transaction<Database>,
  ctx: HelpWriteContext,
  by: Principal,
  input: z.input<typeof DiscardDraftInput>,
): Promise<{ articleDeleted: boolean }> {
  const parsed = DiscardDraftInput.safeParse(input);
  if (!parsed.success) throw notFound();
  const a = await articleForWriting(trx, parsed.data.articleId);
  const d = await draftAtRevision(trx, a.id, parsed.data.expectedRevision);
  const gone = await trx.deleteFrom('help_article_drafts').where('article_id', '=', a.id).where('revision', '=', d.revision).executeTakeFirst();
  if (Number(gone.numDeletedRows) === 0) throw new DraftConflictError(null);
  await trx.deleteFrom('help_attachments').where('article_id', '=', a.id).where('draft', '=', 1).execute();
  const versions = await trx.selectFrom('help_article_versions').select('id').where('article_id', '=', a.id).limit(1).execute();
  const neverPublished = a.published === 0 && a.version_no === 0 && a.source_hash === '' && versions.length === 0;
  await recordAuditEvent(trx, {
    action: 'help.draft-discarded', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: d.title,
    detail: { articleId: a.id, revision: d.revision, articleDeleted: neverPublished },
  });
  if (!neverPublished) await endDraft(trx, a.id, d.revision);
  if (neverPublished) {
    await trx.deleteFrom('help_schedules').where('article_id', '=', a.id).execute();
    await trx.deleteFrom('help_articles').where('id', '=', a.id).execute();
  }
  return { articleDeleted: neverPublished };
}
