import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { notFound, ValidationError } from '../../errors.ts';
import { DraftContent, slugFromTitle } from './article-fields.ts';
import { checkArticleSlug } from './check-article-slug.ts';
import { checkCategory, labelOf } from './article-for-writing.ts';
import type { HelpWriteContext } from './help-write-context.ts';

export const CreateArticleInput = DraftContent.extend({ systemId: z.string().uuid('Elija un sistema.') });
export type CreateArticleInput = z.input<typeof CreateArticleInput>;

/**
 * A new article: a help_articles row with published = 0 (readers see
 * nothing of it: every reader query asks for published = 1), which holds
 * its slug, and its first draft.
 */
export async function createArticle(trx: Transaction<Database>, ctx: HelpWriteContext, by: Principal, input: CreateArticleInput): Promise<{ articleId: string }> {
  const parsed = CreateArticleInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const v = parsed.data;
  const system = await trx.selectFrom('systems').select('id').where('id', '=', v.systemId).executeTakeFirst();
  if (!system) throw notFound();
  await checkCategory(trx, v.systemId, v.categoryId);
  const slug = v.slug || slugFromTitle(v.title);
  if (!slug) throw new ValidationError({ slug: 'El título no tiene letras ni números de los que sacar una dirección: escriba el slug.' });
  await checkArticleSlug(trx, v.systemId, slug, null);
  const id = randomUUID();
  const at = ctx.now.toISOString();
  const label = labelOf(by);
  try {
    await trx
      .insertInto('help_articles')
      .values({
        id, system_id: v.systemId, category_id: v.categoryId, slug, title: v.title, summary: v.summary, body_md: '', body_html: '', body_text: '', toc: '[]',
        tags: v.tags, position: v.position, published: 0, updated_at: at, source_hash: '', version_no: 0,
      })
      .execute();
  } catch (err) {
    // Two people creating the same slug at once: the unique index decides, the second gets the form's message.
    if (isUniqueViolation(err)) throw new ValidationError({ slug: `Ya existe otro artículo con la dirección «${slug}» en este sistema. Elija otra.` });
    throw err;
  }
  await trx
    .insertInto('help_article_drafts')
    .values({
      article_id: id, category_id: v.categoryId, slug, title: v.title, summary: v.summary, tags: v.tags, position: v.position, body_md: v.body, state: 'draft',
      revision: 1, base_version: 0, author_staff_id: by.kind === 'staff' ? by.staffId : null, author_label: label, updated_by_label: label, created_at: at, updated_at: at,
      submitted_at: null,
    })
    .execute();
  await recordAuditEvent(trx, { action: 'help.article-created', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: v.title, detail: { articleId: id, systemId: v.systemId, slug } });
  return { articleId: id };
}
