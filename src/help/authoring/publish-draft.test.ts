import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import { AppError } from '../../errors.ts';
import type { SystemSummary } from '../help-access.ts';
import { readArticle } from '../read-help.ts';
import { asPrincipal, inTransaction } from '../../../tests/help-authoring-fixtures.ts';
import { createArticle } from './create-article.ts';
import { DraftConflictError } from './draft-errors.ts';
import { FOUR_EYES_MESSAGE, publishDraft } from './publish-draft.ts';
import { saveDraft } from './save-draft.ts';
import { unpublishArticle } from './unpublish-article.ts';

let rt: TestRuntime;
let system: SystemSummary;
let categoryId: string;
let otherCategoryId: string;
let author: StaffPrincipal;
let publisher: StaffPrincipal;

beforeAll(async () => {
  rt = await createTestRuntime();
  const s = await rt.deps.db.selectFrom('systems').select(['id', 'slug', 'name', 'description']).where('slug', '=', 'contabilidad').executeTakeFirstOrThrow();
  system = s;
  const cats = await rt.deps.db.selectFrom('help_categories').select('id').where('system_id', '=', s.id).orderBy('position').execute();
  categoryId = cats[0]!.id;
  otherCategoryId = cats[1]!.id;
  author = asPrincipal(await createTestStaff(rt.deps, 'editor', { name: 'Elena Editora' }));
  publisher = asPrincipal(await createTestStaff(rt.deps, 'editor', { name: 'Pablo Publica' }));
});
afterAll(() => rt?.close());

const create = (slug: string, body = 'Texto con la palabra zorzalito.\n\n## Paso uno\n\nHola.', tags = 'Cierre, Zorzal') =>
  inTransaction(rt.deps, (trx, ctx) => createArticle(trx, ctx, author, { systemId: system.id, categoryId, title: `Artículo ${slug}`, slug, summary: 'Resumen.', tags, position: 3, body }));
const publish = (articleId: string, by = publisher, note = 'Primera versión.', selfPublish = false) =>
  inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, by, { articleId, changeNote: note }), selfPublish);
const save = (articleId: string, expectedRevision: number, over: Record<string, unknown> = {}) =>
  inTransaction(rt.deps, (trx, ctx) =>
    saveDraft(trx, ctx, author, { articleId, expectedRevision, categoryId, title: 'Artículo renombrado', slug: '', summary: 'Otro resumen.', tags: 'Zorzal', position: 1, body: 'Nuevo texto.', ...over }),
  );
const search = (text: string) => rt.deps.helpSearch.search({ text, systemIds: [system.id] });
const readerSees = async (slug: string) => readArticle(rt.deps.db, system, slug).then(() => true, (e: unknown) => (e instanceof AppError && e.status === 404 ? false : Promise.reject(e)));

describe('a new article and its first publish', () => {
  it('is invisible to readers until published, then readable, searchable and versioned', async () => {
    const { articleId } = await create('arqueo-de-caja');
    expect(await readerSees('arqueo-de-caja')).toBe(false);
    expect((await search('zorzalito')).total).toBe(0);

    const { versionNo } = await publish(articleId);
    expect(versionNo).toBe(1);
    const a = await readArticle(rt.deps.db, system, 'arqueo-de-caja');
    expect(a.title).toBe('Artículo arqueo-de-caja');
    expect(a.html).toContain('<h2 id="paso-uno">Paso uno</h2>');
    expect(a.toc).toEqual([{ level: 2, id: 'paso-uno', text: 'Paso uno' }]);
    expect((await search('zorzalito')).hits.map((h) => h.slug)).toEqual(['arqueo-de-caja']);
    const tags = await rt.deps.db.selectFrom('help_article_tags').select('tag').where('article_id', '=', articleId).orderBy('tag').execute();
    expect(tags.map((t) => t.tag)).toEqual(['cierre', 'zorzal']);
    const versions = await rt.deps.db.selectFrom('help_article_versions').selectAll().where('article_id', '=', articleId).execute();
    expect(versions.map((v) => [v.version_no, v.change_note, v.source, v.author_label, v.published_by_label])).toEqual([[1, 'Primera versión.', 'console', 'Elena Editora', 'Pablo Publica']]);
    expect(await rt.deps.db.selectFrom('help_article_drafts').select('article_id').where('article_id', '=', articleId).execute()).toEqual([]);
    const audit = await rt.deps.db.selectFrom('audit_events').select(['action', 'detail', 'actor_staff_id']).where('action', '=', 'help.published').execute();
    const mine = audit.find((e) => JSON.parse(e.detail!).articleId === articleId)!;
    expect(JSON.parse(mine.detail!)).toMatchObject({ version: 1, note: 'Primera versión.', source: 'console' });
    expect(mine.actor_staff_id).toBe(publisher.staffId);
  });

  it('numbers versions one by one and keeps each as published', async () => {
    const { articleId } = await create('conciliar-caja');
    await publish(articleId);
    await save(articleId, 0, { title: 'Conciliar la caja', slug: 'conciliar-caja' });
    expect((await publish(articleId, publisher, 'Título más claro.')).versionNo).toBe(2);
    const versions = await rt.deps.db.selectFrom('help_article_versions').select(['version_no', 'title']).where('article_id', '=', articleId).orderBy('version_no').execute();
    expect(versions).toEqual([{ version_no: 1, title: 'Artículo conciliar-caja' }, { version_no: 2, title: 'Conciliar la caja' }]);
    expect((await readArticle(rt.deps.db, system, 'conciliar-caja')).title).toBe('Conciliar la caja');
  });
});

describe('the four-eyes rule', () => {
  it('refuses the draft’s author, with a clear message, and changes nothing', async () => {
    const { articleId } = await create('cuadratura-diaria');
    await expect(publish(articleId, author)).rejects.toThrow(FOUR_EYES_MESSAGE);
    expect(await readerSees('cuadratura-diaria')).toBe(false);
    expect(await rt.deps.db.selectFrom('help_article_drafts').select('revision').where('article_id', '=', articleId).execute()).toEqual([{ revision: 1 }]);
  });

  it('refuses a colleague who saved the draft too: the text they wrote was seen by no one else', async () => {
    const { articleId } = await create('cuadratura-mensual');
    // The publisher rewrites someone else's draft, then tries to publish their own words alone.
    await inTransaction(rt.deps, (trx, ctx) =>
      saveDraft(trx, ctx, publisher, { articleId, expectedRevision: 1, categoryId, title: 'Artículo cuadratura-mensual', slug: 'cuadratura-mensual', body: 'Texto sin revisar.' }),
    );
    await expect(publish(articleId, publisher)).rejects.toThrow(FOUR_EYES_MESSAGE);
    expect(await readerSees('cuadratura-mensual')).toBe(false);
    // Both wrote part of it: a third person reads it all and publishes it.
    await expect(publish(articleId, author)).rejects.toThrow(FOUR_EYES_MESSAGE);
    const third = asPrincipal(await createTestStaff(rt.deps, 'admin', { name: 'Tercera Persona' }));
    expect((await publish(articleId, third, 'Revisado.')).versionNo).toBe(1);
    // A later draft starts clean: saving the previous one does not bar them from this one.
    rt.clock.advance(1000);
    await save(articleId, 0, { slug: 'cuadratura-mensual' });
    expect((await publish(articleId, publisher, 'Otra.')).versionNo).toBe(2);
  });

  it('lets the author publish when HELP_SELF_PUBLISH is on', async () => {
    const { articleId } = await create('cuadratura-semanal');
    expect((await publish(articleId, author, 'Sola.', true)).versionNo).toBe(1);
    expect(await readerSees('cuadratura-semanal')).toBe(true);
  });

  it('refuses a change note that is empty, too long or not plain text', async () => {
    const { articleId } = await create('nota-de-cambio');
    for (const note of ['', '   ', 'x'.repeat(201), 'ok\u202eoculto']) await expect(publish(articleId, publisher, note)).rejects.toMatchObject({ status: 422 });
    expect(await readerSees('nota-de-cambio')).toBe(false);
  });

  it('refuses a publish naming an older revision', async () => {
    const { articleId } = await create('revision-vieja');
    await save(articleId, 1, { slug: 'revision-vieja' });
    const err = await inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, publisher, { articleId, changeNote: 'x', expectedRevision: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DraftConflictError);
    expect((err as DraftConflictError).saved?.revision).toBe(2);
  });
});

describe('slugs that change', () => {
  it('leave a 301 trail: old slugs (even two renames ago) lead to the article, its own old slug can be taken back, another article cannot take it', async () => {
    const { articleId } = await create('libro-de-ventas');
    await publish(articleId);
    await save(articleId, 0, { slug: 'registro-de-ventas' });
    await publish(articleId, publisher, 'Nuevo nombre.');
    await save(articleId, 0, { slug: 'registro-ventas' });
    await publish(articleId, publisher, 'Más corto.');
    const redirects = await rt.deps.db.selectFrom('help_slug_redirects').select(['old_slug', 'article_id']).where('article_id', '=', articleId).orderBy('old_slug').execute();
    expect(redirects.map((r) => r.old_slug)).toEqual(['libro-de-ventas', 'registro-de-ventas']);
    expect(await readerSees('libro-de-ventas')).toBe(false);

    await expect(create('libro-de-ventas')).rejects.toMatchObject({ fieldErrors: { slug: expect.stringContaining('fue antes de otro artículo') } });

    await save(articleId, 0, { slug: 'libro-de-ventas' });
    await publish(articleId, publisher, 'Vuelve el nombre.');
    const after = await rt.deps.db.selectFrom('help_slug_redirects').select('old_slug').where('article_id', '=', articleId).orderBy('old_slug').execute();
    expect(after.map((r) => r.old_slug)).toEqual(['registro-de-ventas', 'registro-ventas']);
    expect(await readerSees('libro-de-ventas')).toBe(true);
  });

  it('refuses a slug that is a page of the help (novedades), in a new article and in a draft', async () => {
    await expect(create('novedades')).rejects.toMatchObject({ fieldErrors: { slug: expect.stringContaining('es la de una página del portal') } });
    const { articleId } = await create('cambios-recientes');
    await expect(save(articleId, 0, { slug: 'novedades' })).rejects.toMatchObject({ fieldErrors: { slug: expect.stringContaining('es la de una página del portal') } });
  });

  it('moving to another category changes no URL', async () => {
    const { articleId } = await create('mover-de-categoria');
    await publish(articleId);
    await save(articleId, 0, { slug: 'mover-de-categoria', categoryId: otherCategoryId });
    await publish(articleId, publisher, 'Otra categoría.');
    const a = await readArticle(rt.deps.db, system, 'mover-de-categoria');
    const cat = await rt.deps.db.selectFrom('help_categories').select('slug').where('id', '=', otherCategoryId).executeTakeFirstOrThrow();
    expect(a.category.slug).toBe(cat.slug);
    expect(await rt.deps.db.selectFrom('help_slug_redirects').select('old_slug').where('article_id', '=', articleId).execute()).toEqual([]);
  });

  it('a category of another system is refused', async () => {
    const other = await rt.deps.db.selectFrom('help_categories as c').innerJoin('systems as s', 's.id', 'c.system_id').select('c.id').where('s.slug', '=', 'inventario').executeTakeFirstOrThrow();
    const { articleId } = await create('no-cambia-de-sistema');
    await expect(save(articleId, 1, { categoryId: other.id })).rejects.toMatchObject({ fieldErrors: { categoryId: 'Elija una categoría de este sistema.' } });
  });
});

describe('files uploaded for a draft', () => {
  it('are served to no reader until the draft is published, then become the article’s', async () => {
    const { articleId } = await create('con-imagen', '![Pantalla](imagenes/pantalla.png)\n');
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    await rt.deps.db
      .insertInto('help_attachments')
      .values({ id: crypto.randomUUID(), article_id: articleId, path: 'imagenes/pantalla.png', content_type: 'image/png', size: png.length, sha256: 'x', data: png, updated_at: rt.clock.now().toISOString(), draft: 1 })
      .execute();
    await publish(articleId);
    const files = await rt.deps.db.selectFrom('help_attachments').select(['path', 'draft']).where('article_id', '=', articleId).execute();
    expect(files).toEqual([{ path: 'imagenes/pantalla.png', draft: 0 }]);
    expect((await readArticle(rt.deps.db, system, 'con-imagen')).html).toContain('src="/ayuda/contabilidad/con-imagen/adjuntos/imagenes/pantalla.png"');
  });
});

describe('unpublishing', () => {
  it('takes the article from readers and search, keeping versions, redirects and votes', async () => {
    const { articleId } = await create('para-despublicar', 'Palabra tordito.\n');
    await publish(articleId);
    expect((await search('tordito')).total).toBe(1);
    await inTransaction(rt.deps, (trx, ctx) => unpublishArticle(trx, ctx, publisher, { articleId, note: 'Ya no aplica.' }));
    expect(await readerSees('para-despublicar')).toBe(false);
    expect((await search('tordito')).total).toBe(0);
    expect(await rt.deps.db.selectFrom('help_article_versions').select('version_no').where('article_id', '=', articleId).execute()).toEqual([{ version_no: 1 }]);
    await expect(inTransaction(rt.deps, (trx, ctx) => unpublishArticle(trx, ctx, publisher, { articleId }))).rejects.toThrow('El artículo no está publicado.');
    const audit = await rt.deps.db.selectFrom('audit_events').select('detail').where('action', '=', 'help.unpublished').execute();
    expect(audit.map((e) => JSON.parse(e.detail!))).toContainEqual({ articleId, version: 1, note: 'Ya no aplica.' });
  });
});
