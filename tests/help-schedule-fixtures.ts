import type { Principal } from '../src/auth/principal.ts';
import type { HelpWriteContext } from '../src/help/authoring/help-write-context.ts';
import type { TestStaff } from './staff-fixtures.ts';
import type { TestRuntime } from './test-runtime.ts';

// Shared by the schedule tests: a draft written straight to the database (as
// the editor would have saved it), the staff principal, and the write context.

export const principalOf = (s: TestStaff): Principal => ({ kind: 'staff', staffId: s.id, name: s.name, email: s.email, role: s.role, ip: null });

export const writeContext = (rt: TestRuntime): HelpWriteContext => ({ dialect: rt.deps.dialect, now: rt.clock.now(), selfPublish: rt.config.helpSelfPublish });

/** A published article of the shipped help (its id and title). */
export async function someArticle(rt: TestRuntime, offset = 0): Promise<{ id: string; title: string }> {
  return rt.deps.db.selectFrom('help_articles').select(['id', 'title']).where('published', '=', 1).orderBy('id').offset(offset).limit(1).executeTakeFirstOrThrow();
}

/** Start (or overwrite) the article's draft from its published text with a new title, as `author` wrote it. */
export async function writeDraft(rt: TestRuntime, articleId: string, author: TestStaff, title: string, revision = 1): Promise<void> {
  const a = await rt.deps.db.selectFrom('help_articles').selectAll().where('id', '=', articleId).executeTakeFirstOrThrow();
  const at = rt.clock.now().toISOString();
  const values = {
    category_id: a.category_id, slug: a.slug, title, summary: a.summary, tags: a.tags, position: a.position, body_md: `${a.body_md}\n\nCambio: ${title}.\n`,
    state: 'review' as const, revision, base_version: Number(a.version_no), author_staff_id: author.id, author_label: author.email, updated_by_label: author.email,
    created_at: at, updated_at: at, submitted_at: at,
  };
  await rt.deps.db.insertInto('help_article_drafts').values({ article_id: articleId, ...values }).onConflict((oc) => oc.column('article_id').doUpdateSet(values)).execute();
}
