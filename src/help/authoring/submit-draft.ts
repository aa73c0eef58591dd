import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { ArticleId, Revision } from './article-fields.ts';
import { articleForWriting, draftAtRevision } from './article-for-writing.ts';
import { helpRefusal } from './draft-errors.ts';
import type { HelpWriteContext } from './help-write-context.ts';

export const SubmitDraftInput = z.object({ articleId: ArticleId, expectedRevision: Revision });

/**
 * Send the draft to review: "listo para que otra persona lo publique". The
 * revision does not move (the text did not change, and a publish scheduled
 * for this revision still holds).
 */
export async function submitDraft(trx: Transaction<Database>, ctx: HelpWriteContext, by: Principal, input: z.input<typeof SubmitDraftInput>): Promise<void> {
  const parsed = SubmitDraftInput.safeParse(input);
  if (!parsed.success) throw notFound();
  const a = await articleForWriting(trx, parsed.data.articleId);
  const d = await draftAtRevision(trx, a.id, parsed.data.expectedRevision);
  if (d.state === 'review') throw helpRefusal('El borrador ya está en revisión.');
  await trx.updateTable('help_article_drafts').set({ state: 'review', submitted_at: ctx.now.toISOString() }).where('article_id', '=', a.id).where('revision', '=', d.revision).execute();
  await recordAuditEvent(trx, { action: 'help.draft-submitted', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: d.title, detail: { articleId: a.id, revision: d.revision } });
}
