import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { recordAuditEvent } from '../../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../../auth/principal.ts';
import { fieldErrors } from '../../customers/user-fields.ts';
import type { Database } from '../../db/schema.ts';
import { notFound, ValidationError } from '../../errors.ts';
import { emitArticlePublished } from '../../webhooks/webhook-subjects.ts';
import { renderArticle } from '../render-markdown.ts';
import { ArticleId, ChangeNote, Revision } from './article-fields.ts';
import { articleForWriting, draftOf, endDraft, labelOf, savedDraftOf } from './article-for-writing.ts';
import { checkArticleSlug } from './check-article-slug.ts';
import { DraftConflictError, helpRefusal } from './draft-errors.ts';
import { wroteDraft } from './draft-writers.ts';
import type { HelpWriteContext } from './help-write-context.ts';
import { writePublishedArticle } from './write-published-article.ts';

export const PublishDraftInput = z.object({
  articleId: ArticleId,
  changeNote: ChangeNote,
  expectedRevision: Revision.optional(),
  source: z.enum(['console', 'schedule']).default('console'),
});
export type PublishDraftInput = z.input<typeof PublishDraftInput>;

export const FOUR_EYES_MESSAGE = 'Usted escribió este borrador: debe publicarlo otra persona con permiso para publicar (revisión de cuatro ojos).';

/**
 * Publish the article's draft: it becomes what readers see (help_articles,
 * tags, search index), its files become the article's, the version is kept
 * in help_article_versions, an old slug keeps leading to the article, and
 * the draft is gone. The caller checked help:publish; the four-eyes rule (no one
 * who wrote any of the draft) is checked here (unless HELP_SELF_PUBLISH), so a schedule obeys it too.
 *
 * The claim is the DELETE of the draft at the revision read: of two publishes
 * at once (or a publish and a save) one deletes it, the other finds it
 * changed and writes nothing.
 */
export async function publishDraft(trx: Transaction<Database>, ctx: HelpWriteContext, by: Principal, input: PublishDraftInput): Promise<{ versionNo: number }> {
  const parsed = PublishDraftInput.safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    if (errors.articleId) throw notFound();
    throw new ValidationError(errors, errors.changeNote ?? 'Revise los datos marcados.');
  }
  const v = parsed.data;
  const a = await articleForWriting(trx, v.articleId);
  const d = await draftOf(trx, a.id);
  if (!d) throw helpRefusal('Este artículo no tiene un borrador que publicar.');
  if (v.expectedRevision !== undefined && v.expectedRevision !== d.revision) throw new DraftConflictError(savedDraftOf(d));
  if (!ctx.selfPublish && (await wroteDraft(trx, d, by))) throw helpRefusal(FOUR_EYES_MESSAGE);
  // A slug checked when saved may have been taken since by another article's publish.
  await checkArticleSlug(trx, a.system_id, d.slug, a.id);
  const category = await trx.selectFrom('help_categories').select('id').where('id', '=', d.category_id).where('system_id', '=', a.system_id).executeTakeFirst();
  if (!category) throw helpRefusal('La categoría del borrador ya no existe: elija otra y guarde antes de publicar.');

  const claimed = await trx.deleteFrom('help_article_drafts').where('article_id', '=', a.id).where('revision', '=', d.revision).executeTakeFirst();
  if (Number(claimed.numDeletedRows) === 0) throw new DraftConflictError(null);
  await endDraft(trx, a.id, d.revision);

  const last = await trx.selectFrom('help_article_versions').select((eb) => eb.fn.max('version_no').as('n')).where('article_id', '=', a.id).executeTakeFirst();
  const versionNo = Math.max(a.version_no, Number(last?.n ?? 0)) + 1;
  const rendered = renderArticle(d.body_md, { system: a.systemSlug, slug: d.slug });
  await writePublishedArticle(trx, ctx.dialect, {
    id: a.id, systemId: a.system_id, categoryId: d.category_id, slug: d.slug, title: d.title, summary: d.summary, tags: d.tags, position: d.position,
    bodyMd: d.body_md, html: rendered.html, toc: rendered.toc, text: rendered.text, headings: rendered.headings, versionNo, sourceHash: '', at: ctx.now,
  });
  // The unique (article, path) index allows one file per path: a draft's upload replaced the published one already.
  await trx.updateTable('help_attachments').set({ draft: 0 }).where('article_id', '=', a.id).where('draft', '=', 1).execute();
  const at = ctx.now.toISOString();
  await trx
    .insertInto('help_article_versions')
    .values({
      id: randomUUID(), article_id: a.id, version_no: versionNo, category_id: d.category_id, slug: d.slug, title: d.title, summary: d.summary, tags: d.tags,
      position: d.position, body_md: d.body_md, change_note: v.changeNote, source: v.source, author_label: d.author_label,
      published_by_staff_id: by.kind === 'staff' ? by.staffId : null, published_by_label: labelOf(by), published_at: at,
    })
    .execute();
  await moveSlug(trx, a, d.slug, at);
  await recordAuditEvent(trx, {
    action: 'help.published', at: ctx.now, ...auditActor(by), customerId: null, targetLabel: d.title,
    detail: { articleId: a.id, version: versionNo, note: v.changeNote, source: v.source, slug: d.slug },
  });
  await emitArticlePublished(trx, { id: a.id, systemId: a.system_id, slug: d.slug, title: d.title, summary: d.summary, version: versionNo }, ctx.now);
  return { versionNo };
}

/**
 * Readers' old links keep working: the old slug redirects to the article
 * (by id, so a redirect from two renames ago follows it too), and taking
 * back one of its own old slugs drops that redirect. A slug no reader ever
 * saw (never published) leaves none.
 */
async function moveSlug(trx: Transaction<Database>, a: { id: string; system_id: string; slug: string; published: number; version_no: number; source_hash: string }, slug: string, at: string) {
  await trx.deleteFrom('help_slug_redirects').where('system_id', '=', a.system_id).where('old_slug', '=', slug).where('article_id', '=', a.id).execute();
  if (slug === a.slug) return;
  const seenByReaders = a.published === 1 || a.version_no > 0 || a.source_hash !== '';
  if (!seenByReaders) return;
  await trx
    .insertInto('help_slug_redirects')
    .values({ system_id: a.system_id, old_slug: a.slug, article_id: a.id, created_at: at })
    .onConflict((oc) => oc.columns(['system_id', 'old_slug']).doUpdateSet({ article_id: a.id, created_at: at }))
    .execute();
}
