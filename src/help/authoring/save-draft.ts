import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import type { Database } from '../../db/schema.ts';
import { ValidationError } from '../../errors.ts';
import { ArticleId, DraftContent, Revision, slugFromTitle } from './article-fields.ts';
import { articleForWriting, checkCategory, draftOf, firstRevisionOf, labelOf, savedDraftOf } from './article-for-writing.ts';
import { checkArticleSlug } from './check-article-slug.ts';
import { DraftConflictError } from './draft-errors.ts';
import { draftFromPublished } from './start-draft.ts';
import type { HelpWriteContext } from './help-write-context.ts';

/** expectedRevision 0: the person edited the published version, with no draft stored when they opened it. */
export const SaveDraftInput = DraftContent.extend({ articleId: ArticleId, expectedRevision: Revision });
export type SaveDraftInput = z.input<typeof SaveDraftInput>;

/**
 * Save the draft over the revision the person started from, and move the
 * revision on. A save naming an older revision changes nothing and throws
 * DraftConflictError with what is stored, so the page can show both texts:
 * whoever saved first keeps their text, nobody's is lost silently. The
 * compare-and-set is one UPDATE … WHERE revision = ?, so of two saves at
 * once exactly one matches.
 */
export async function saveDraft(trx: Transaction<Database>, ctx: HelpWriteContext, by: Principal, input: SaveDraftInput): Promise<{ revision: number }> {
  const parsed = SaveDraftInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const v = parsed.data;
  const a = await articleForWriting(trx, v.articleId);
  await checkCategory(trx, a.system_id, v.categoryId);
  const slug = v.slug || slugFromTitle(v.title);
  if (!slug) throw new ValidationError({ slug: 'El título no tiene letras ni números de los que sacar una dirección: escriba el slug.' });
  await checkArticleSlug(trx, a.system_id, slug, a.id);
  const at = ctx.now.toISOString();
  // A changed text goes back to being written: what sits in review is always what someone sent.
  const content = {
    category_id: v.categoryId, slug, title: v.title, summary: v.summary, tags: v.tags, position: v.position, body_md: v.body, updated_by_label: labelOf(by), updated_at: at,
    state: 'draft' as const, submitted_at: null,
  };

  let revision: number;
  if (v.expectedRevision === 0) {
    const inserted = await trx
      .insertInto('help_article_drafts')
      .values({ ...draftFromPublished(a, by, at), ...content })
      .onConflict((oc) => oc.column('article_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
      const d = await draftOf(trx, a.id);
      throw new DraftConflictError(d ? savedDraftOf(d) : null);
    }
    revision = firstRevisionOf(a);
  } else {
    const updated = await trx
      .updateTable('help_article_drafts')
      .set((eb) => ({ ...content, revision: eb('revision', '+', 1) }))
      .where('article_id', '=', a.id)
      .where('revision', '=', v.expectedRevision)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      const d = await draftOf(trx, a.id);
      throw new DraftConflictError(d ? savedDraftOf(d) : null);
    }
    revision = v.expectedRevision + 1;
  }
  await recordAuditEvent(trx, { action: 'help.draft-saved', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: v.title, detail: { articleId: a.id, revision } });
  return { revision };
}
