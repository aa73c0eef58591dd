import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { findBrokenLinks } from './find-broken-links.ts';

let rt: TestRuntime;
let article: { id: string; system_id: string; slug: string; category_id: string };
let target: { id: string; slug: string };

const BODY = [
  'Primera línea.',
  '',
  'Vea [el otro](articulo-que-no-existe) y [el renombrado](nombre-antiguo).',
  '',
  '![Una imagen](imagenes/falta.png)',
  '',
  '[Borrador](archivos/solo-borrador.pdf) y [publicado](archivos/publicado.pdf).',
].join('\n');

beforeAll(async () => {
  rt = await createTestRuntime();
  const { db } = rt.deps;
  article = await db.selectFrom('help_articles').select(['id', 'system_id', 'slug', 'category_id']).where('slug', '=', 'cierre-mensual').executeTakeFirstOrThrow();
  target = await db.selectFrom('help_articles').select(['id', 'slug']).where('system_id', '=', article.system_id).where('published', '=', 1).where('id', '!=', article.id).executeTakeFirstOrThrow();
  const at = rt.clock.now().toISOString();
  await db.updateTable('help_articles').set({ body_md: BODY }).where('id', '=', article.id).execute();
  await db.insertInto('help_slug_redirects').values({ system_id: article.system_id, old_slug: 'nombre-antiguo', article_id: target.id, created_at: at }).execute();
  const file = (path: string, draft: number) => ({ id: `${path}-${draft}`, article_id: article.id, path, content_type: 'application/pdf', size: 5, sha256: 'x', data: Buffer.from('%PDF-'), updated_at: at, draft });
  await db.insertInto('help_attachments').values([file('archivos/solo-borrador.pdf', 1), file('archivos/publicado.pdf', 0)]).execute();
  await db
    .insertInto('help_article_drafts')
    .values({
      article_id: article.id, category_id: article.category_id, slug: article.slug, title: 'Cierre (borrador)', summary: '', tags: '', position: 0,
      body_md: `${BODY}\n\nY [un enlace bueno](${target.slug}).\n`, state: 'draft', revision: 1, base_version: 0, author_staff_id: null, author_label: 'x', updated_by_label: 'x',
      created_at: at, updated_at: at, submitted_at: null,
    })
    .execute();
});
afterAll(() => rt?.close());

describe('findBrokenLinks', () => {
  it('finds each kind of broken link with its line, published and drafts apart', async () => {
    const r = await findBrokenLinks(rt.deps.db);
    const mine = r.published.filter((l) => l.articleId === article.id).map(({ kind, target: t, reason, line, redirectsTo }) => ({ kind, target: t, reason, line, redirectsTo }));
    expect(mine).toEqual([
      { kind: 'article', target: 'articulo-que-no-existe', reason: 'no-article', line: 3, redirectsTo: undefined },
      { kind: 'article', target: 'nombre-antiguo', reason: 'redirected', line: 3, redirectsTo: target.slug },
      { kind: 'file', target: 'imagenes/falta.png', reason: 'no-file', line: 5, redirectsTo: undefined },
      // A draft's file is not there for readers yet.
      { kind: 'file', target: 'archivos/solo-borrador.pdf', reason: 'no-file', line: 7, redirectsTo: undefined },
    ]);
    const draft = r.drafts.filter((l) => l.articleId === article.id);
    expect(draft.map((l) => `${l.reason} ${l.target}`)).toEqual(['no-article articulo-que-no-existe', `redirected nombre-antiguo`, 'no-file imagenes/falta.png']);
    expect(draft.every((l) => l.source === 'draft' && l.title === 'Cierre (borrador)')).toBe(true);
  });

  it('a link to an article unpublished since is reported', async () => {
    await rt.deps.db.updateTable('help_articles').set({ published: 0 }).where('id', '=', target.id).execute();
    const r = await findBrokenLinks(rt.deps.db);
    const draft = r.drafts.filter((l) => l.articleId === article.id);
    expect(draft.map((l) => `${l.reason} ${l.target}`)).toEqual(['no-article articulo-que-no-existe', 'no-article nombre-antiguo', 'no-file imagenes/falta.png', `no-article ${target.slug}`]);
    // The unpublished article's own links are not a reader's problem.
    expect(r.published.some((l) => l.articleId === target.id)).toBe(false);
  });
});
