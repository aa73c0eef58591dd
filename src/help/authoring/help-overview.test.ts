import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { listSystems } from '../list-systems.ts';
import { helpOverview } from './help-overview.ts';
import { systemArticles } from './system-articles.ts';

let rt: TestRuntime;
let published: { id: string; category_id: string; slug: string; title: string };
let otherCategory: string;
let fresh: string;

async function draft(articleId: string, categoryId: string, title: string, state: 'draft' | 'review', at: string) {
  await rt.deps.db
    .insertInto('help_article_drafts')
    .values({
      article_id: articleId, category_id: categoryId, slug: `borrador-${articleId.slice(0, 8)}`, title, summary: '', tags: '', position: 0, body_md: 'Texto.', state, revision: 1, base_version: 0,
      author_staff_id: null, author_label: 'autor@proveedor.cl', updated_by_label: 'autor@proveedor.cl', created_at: at, updated_at: at, submitted_at: state === 'review' ? at : null,
    })
    .execute();
}

beforeAll(async () => {
  rt = await createTestRuntime();
  const { db } = rt.deps;
  published = await db.selectFrom('help_articles').select(['id', 'category_id', 'slug', 'title']).where('slug', '=', 'cierre-mensual').executeTakeFirstOrThrow();
  otherCategory = (await db.selectFrom('help_categories').select('id').where('system_id', '=', (await db.selectFrom('help_articles').select('system_id').where('id', '=', published.id).executeTakeFirstOrThrow()).system_id).where('id', '!=', published.category_id).executeTakeFirstOrThrow()).id;
  // A published article moving to another category in its draft (in review), and a never-published one with a draft.
  await draft(published.id, otherCategory, 'Cierre mensual (nuevo)', 'review', '2026-03-01T10:00:00.000Z');
  const a = await db.selectFrom('help_articles').selectAll().where('id', '=', published.id).executeTakeFirstOrThrow();
  fresh = '00000000-0000-4000-8000-00000000f00d';
  await db.insertInto('help_articles').values({ ...a, id: fresh, slug: 'nunca-publicado', title: 'Nunca publicado', published: 0 }).execute();
  await draft(fresh, otherCategory, 'Nunca publicado', 'draft', '2026-03-02T10:00:00.000Z');
});
afterAll(() => rt?.close());

describe('helpOverview', () => {
  it('lists systems in order with their categories counted: published, with a draft, in review; and the drafts in review', async () => {
    const o = await helpOverview(rt.deps.db);
    expect(o.systems.map((s) => s.slug)).toEqual((await listSystems(rt.deps.db)).map((s) => s.slug));
    const cats = o.systems.find((s) => s.slug === 'contabilidad')!.categories;
    const publishedCount = async (id: string) => (await rt.deps.db.selectFrom('help_articles').select('id').where('category_id', '=', id).where('published', '=', 1).execute()).length;
    const slugOf = async (id: string) => (await rt.deps.db.selectFrom('help_categories').select('slug').where('id', '=', id).executeTakeFirstOrThrow()).slug;
    const otherSlug = await slugOf(otherCategory);
    expect(cats.find((c) => c.slug === otherSlug)).toMatchObject({ published: await publishedCount(otherCategory), drafts: 1, inReview: 1 });
    expect(cats.filter((c) => c.slug !== otherSlug).every((c) => c.drafts === 0 && c.inReview === 0)).toBe(true);
    expect(o.review).toEqual([{ articleId: published.id, title: 'Cierre mensual (nuevo)', system: 'Contabilidad', author: 'autor@proveedor.cl', since: '2026-03-01T10:00:00.000Z' }]);
    expect(o.upcoming).toEqual([]);
  });
});

describe('systemArticles', () => {
  it('lists each article under its draft category and title, with its state; a never-published one too', async () => {
    const s = await systemArticles(rt.deps.db, 'contabilidad');
    const items = s.categories.flatMap((c) => c.articles.map((a) => ({ category: c.slug, ...a })));
    const moved = items.find((a) => a.id === published.id)!;
    const freshItem = items.find((a) => a.id === fresh)!;
    const otherSlug = (await rt.deps.db.selectFrom('help_categories').select('slug').where('id', '=', otherCategory).executeTakeFirstOrThrow()).slug;
    expect(moved).toMatchObject({ category: otherSlug, title: 'Cierre mensual (nuevo)', published: true, draft: 'review' });
    expect(freshItem).toMatchObject({ category: otherSlug, title: 'Nunca publicado', published: false, draft: 'draft' });
    expect(items.filter((a) => a.id === published.id)).toHaveLength(1);
    await expect(systemArticles(rt.deps.db, 'no-existe')).rejects.toMatchObject({ status: 404 });
  });
});
