import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import { ArticleId } from './article-fields.ts';
import { articleForWriting, draftOf, firstRevisionOf, labelOf, type ArticleForWriting, type DraftRow } from './article-for-writing.ts';
import type { HelpWriteContext } from './help-write-context.ts';

export const StartDraftInput = z.object({ articleId: ArticleId });

/** The values of a new draft copied from what is published, started from its version. */
export function draftFromPublished(a: ArticleForWriting, by: Principal, at: string) {
  const label = labelOf(by);
  return {
    article_id: a.id, category_id: a.category_id, slug: a.slug, title: a.title, summary: a.summary, tags: a.tags, position: a.position, body_md: a.body_md,
    state: 'draft' as const, revision: firstRevisionOf(a), base_version: a.version_no, author_staff_id: by.kind === 'staff' ? by.staffId : null, author_label: label,
    updated_by_label: label, created_at: at, updated_at: at, submitted_at: null,
  };
}

/**
 * The article's draft, started from the published version when it has none.
 * Two people starting one at once get the same draft (the primary key keeps
 * one, the second reads it). Starting writes no audit row: only a save does.
 */
export async function startDraft(trx: Transaction<Database>, ctx: HelpWriteContext, by: Principal, input: z.input<typeof StartDraftInput>): Promise<DraftRow> {
  const parsed = StartDraftInput.safeParse(input);
  if (!parsed.success) throw notFound();
  const a = await articleForWriting(trx, parsed.data.articleId);
  const existing = await draftOf(trx, a.id);
  if (existing) return existing;
  await trx.insertInto('help_article_drafts').values(draftFromPublished(a, by, ctx.now.toISOString())).onConflict((oc) => oc.column('article_id').doNothing()).execute();
  return (await draftOf(trx, a.id))!;
}
