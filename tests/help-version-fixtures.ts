import { randomUUID } from 'node:crypto';
import { articleId, insertArticle } from './help-fixtures.ts';
import type { TestRuntime } from './test-runtime.ts';

// What a publish leaves for readers, written straight to the database: a row
// in help_article_versions and help_articles moved to that version. The
// console's publishDraft does the same through the editor; these tests are
// about what readers get from the versions, not about writing them.

/** Publish the next version of an existing article at `at` (default: now on the test clock). */
export async function publishVersion(rt: TestRuntime, a: { system: string; slug: string; note: string; at?: Date; title?: string }): Promise<number> {
  const id = await articleId(rt, a.system, a.slug);
  const db = rt.deps.db;
  const current = await db.selectFrom('help_articles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const last = await db.selectFrom('help_article_versions').select((eb) => eb.fn.max('version_no').as('n')).where('article_id', '=', id).executeTakeFirst();
  const versionNo = Number(last?.n ?? 0) + 1;
  const at = (a.at ?? rt.clock.now()).toISOString();
  const title = a.title ?? current.title;
  await db
    .insertInto('help_article_versions')
    .values({
      id: randomUUID(),
      article_id: id,
      version_no: versionNo,
      category_id: current.category_id,
      slug: current.slug,
      title,
      summary: current.summary,
      tags: current.tags,
      position: current.position,
      body_md: current.body_md,
      change_note: a.note,
      source: 'console',
      author_label: 'Editora de prueba',
      published_by_staff_id: null,
      published_by_label: 'Editora de prueba',
      published_at: at,
    })
    .execute();
  await db.updateTable('help_articles').set({ version_no: versionNo, title, published: 1, updated_at: at }).where('id', '=', id).execute();
  return versionNo;
}

/** A new article with its first version. */
export async function publishNewArticle(rt: TestRuntime, a: { system: string; category: string; slug: string; title: string; note?: string; at?: Date }): Promise<string> {
  const id = await insertArticle(rt, { system: a.system, category: a.category, slug: a.slug, title: a.title, updatedAt: (a.at ?? rt.clock.now()).toISOString() });
  await publishVersion(rt, { system: a.system, slug: a.slug, note: a.note ?? 'Artículo nuevo.', ...(a.at ? { at: a.at } : {}) });
  return id;
}

/** Every version in the database gone (the import's own, if it writes any), so a test counts only its own. */
export async function clearVersions(rt: TestRuntime): Promise<void> {
  await rt.deps.db.deleteFrom('help_article_versions').execute();
}
