import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import type { Database } from '../../db/schema.ts';
import { plainLine } from '../../domain/plain-text.ts';
import { notFound, ValidationError } from '../../errors.ts';
import { bumpIndexVersion, removeSearchEntries } from '../search/search-index.ts';
import { ArticleId } from './article-fields.ts';
import { articleForWriting } from './article-for-writing.ts';
import { helpRefusal } from './draft-errors.ts';
import type { HelpWriteContext } from './help-write-context.ts';

export const UnpublishArticleInput = z.object({
  articleId: ArticleId,
  note: plainLine('La nota').max(200, 'La nota admite hasta 200 caracteres.').optional(),
});

/**
 * Take an article away from readers: its page, search entry, suggestions
 * and files answer as if it never existed. Everything else stays (votes,
 * reads, files, versions, redirects, the draft), so publishing it again
 * brings it back as it was.
 */
export async function unpublishArticle(trx: Transaction<Database>, ctx: HelpWriteContext, by: Principal, input: { articleId: string; note?: string }): Promise<void> {
  const parsed = UnpublishArticleInput.safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    if (errors.articleId) throw notFound();
    throw new ValidationError(errors);
  }
  const a = await articleForWriting(trx, parsed.data.articleId);
  const done = await trx.updateTable('help_articles').set({ published: 0 }).where('id', '=', a.id).where('published', '=', 1).executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) throw helpRefusal('El artículo no está publicado.');
  await removeSearchEntries(trx, ctx.dialect, [a.id]);
  await bumpIndexVersion(trx);
  await recordAuditEvent(trx, {
    action: 'help.unpublished', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: a.title,
    detail: { articleId: a.id, version: a.version_no, ...(parsed.data.note ? { note: parsed.data.note } : {}) },
  });
}
