import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location, type TestClient } from '../../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../../../../tests/factories.ts';
import { signedIn } from '../../../../../tests/help-fixtures.ts';
import { createTestStaff, staffClient } from '../../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../../tests/test-runtime.ts';
import { DRAFT_CONFLICT_MESSAGE } from '../../../../help/authoring/draft-errors.ts';
import { FOUR_EYES_MESSAGE } from '../../../../help/authoring/publish-draft.ts';

// The console's article editor end to end: create, save, the conflict page,
// the no-JS preview, four eyes, publish, what readers then get, rename with
// its 301, history and diff, and what each role may do.

let rt: TestRuntime;
let customer: TestCustomer;
let editor: TestClient;
let reviewer: TestClient;
let lectura: TestClient;
let soporte: TestClient;
let categoryId: string;

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const text = async (res: Response) => res.text();
const revisionIn = (html: string) => Number(/name="revision" value="(\d+)"/.exec(html)?.[1] ?? NaN);

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  editor = await staffClient(rt, await createTestStaff(rt.deps, 'editor', { name: 'Elena Editora' }));
  reviewer = await staffClient(rt, await createTestStaff(rt.deps, 'editor', { name: 'Rita Revisora' }));
  lectura = await staffClient(rt, await createTestStaff(rt.deps, 'lectura'));
  soporte = await staffClient(rt, await createTestStaff(rt.deps, 'soporte'));
  const sys = await rt.deps.db.selectFrom('systems').select('id').where('slug', '=', 'contabilidad').executeTakeFirstOrThrow();
  categoryId = (await rt.deps.db.selectFrom('help_categories').select('id').where('system_id', '=', sys.id).orderBy('position').executeTakeFirstOrThrow()).id;
});
afterAll(() => rt?.close());

const form = (over: Record<string, string> = {}) => ({ title: 'Rendir fondos por rendir', slug: '', categoryId, position: '5', summary: 'Cómo rendir.', tags: 'fondos, rendición', body: '## Antes\n\nTexto **inicial**.\n', ...over });

async function newArticle(over: Record<string, string> = {}): Promise<string> {
  const res = await editor.post('/proveedor/ayuda/articulos/nuevo?sistema=contabilidad', form(over));
  expect(res.status).toBe(303);
  return location(res)!.split('/').pop()!;
}

describe('writing an article in the console', () => {
  it('creates a draft readers cannot see, whose slug comes from the title', async () => {
    const id = await newArticle();
    const page = await text(await editor.get(`/proveedor/ayuda/articulos/${id}`));
    expect(page).toContain('value="rendir-fondos-por-rendir"');
    expect(page).toContain('nunca publicado');
    expect(page).toContain('formaction="/proveedor/ayuda/articulos/' + id + '/vista-previa"');
    const reader = await signedIn(rt, customer);
    expect((await reader.get('/ayuda/contabilidad/rendir-fondos-por-rendir')).status).toBe(404);
  });

  it('refuses a bad form with its messages and keeps the text', async () => {
    const res = await editor.post('/proveedor/ayuda/articulos/nuevo?sistema=contabilidad', form({ title: '', slug: 'Con Mayúsculas', body: 'Texto que no se pierde' }));
    expect(res.status).toBe(422);
    const html = await text(res);
    expect(html).toContain('Escriba un título.');
    expect(html).toContain('El slug sólo admite minúsculas');
    expect(html).toContain('Texto que no se pierde');
  });

  it('takes a long body rich in accents (beyond the console’s 64 KiB form limit), and refuses one over the maximum with a message', async () => {
    const id = await newArticle({ title: 'Texto largo', slug: 'texto-largo' });
    const long = 'Ñandú, cañón y acción. '.repeat(4_000);
    expect((await editor.post(`/proveedor/ayuda/articulos/${id}/guardar`, form({ title: 'Texto largo', slug: 'texto-largo', revision: '1', body: long }))).status).toBe(303);
    expect((await rt.deps.db.selectFrom('help_article_drafts').select('body_md').where('article_id', '=', id).executeTakeFirstOrThrow()).body_md).toBe(long.trimEnd());
    const tooLong = await editor.post(`/proveedor/ayuda/articulos/${id}/guardar`, form({ title: 'Texto largo', slug: 'texto-largo', revision: '2', body: 'x'.repeat(100_001) }));
    expect(tooLong.status).toBe(422);
    expect(await text(tooLong)).toContain('El texto admite hasta 100.000 caracteres.');
  });

  it('a save naming an older revision is refused, showing both texts, and saving again keeps the person’s own', async () => {
    const id = await newArticle({ title: 'Conflicto de edición', slug: 'conflicto-de-edicion' });
    expect((await editor.post(`/proveedor/ayuda/articulos/${id}/guardar`, form({ title: 'Conflicto de edición', slug: 'conflicto-de-edicion', revision: '1', body: 'Lo de Elena.' }))).status).toBe(303);
    const res = await reviewer.post(`/proveedor/ayuda/articulos/${id}/guardar`, form({ title: 'Conflicto de edición', slug: 'conflicto-de-edicion', revision: '1', body: 'Lo de Rita <sin guardar>.' }));
    expect(res.status).toBe(409);
    const html = await text(res);
    expect(html).toContain(escapeHtml(DRAFT_CONFLICT_MESSAGE));
    expect(html).toContain('Lo de Elena.');
    expect(html).toContain(escapeHtml('Lo de Rita <sin guardar>.'));
    expect(html).toContain('<del>');
    expect(revisionIn(html)).toBe(2);
    const stored = await rt.deps.db.selectFrom('help_article_drafts').select(['body_md', 'revision']).where('article_id', '=', id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ body_md: 'Lo de Elena.', revision: 2 });
    // Keeping hers: the form now names revision 2.
    expect((await reviewer.post(`/proveedor/ayuda/articulos/${id}/guardar`, form({ title: 'Conflicto de edición', slug: 'conflicto-de-edicion', revision: '2', body: 'Lo de Rita.' }))).status).toBe(303);
    expect((await rt.deps.db.selectFrom('help_article_drafts').select('body_md').where('article_id', '=', id).executeTakeFirstOrThrow()).body_md).toBe('Lo de Rita.');
  });

  it('previews without JavaScript with the reader’s markup, saving nothing; the fragment for the script is the preview alone', async () => {
    const id = await newArticle({ title: 'Vista previa', slug: 'vista-previa-prueba' });
    const before = await rt.deps.db.selectFrom('help_article_drafts').selectAll().where('article_id', '=', id).executeTakeFirstOrThrow();
    const body = '## Paso uno\n\n![Pantalla](imagenes/pantalla.png)\n\n<script>alert(1)</script>';
    const res = await editor.post(`/proveedor/ayuda/articulos/${id}/vista-previa`, form({ title: 'Título sin guardar', slug: 'vista-previa-prueba', revision: '1', body }));
    expect(res.status).toBe(200);
    const html = await text(res);
    expect(html).toContain('<article class="help-article">');
    expect(html).toContain('<h1>Título sin guardar</h1>');
    expect(html).toContain('<h2 id="paso-uno">Paso uno</h2>');
    expect(html).toContain(`src="/proveedor/ayuda/articulos/${id}/archivos/imagenes/pantalla.png"`);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('value="Título sin guardar"');
    expect(await rt.deps.db.selectFrom('help_article_drafts').selectAll().where('article_id', '=', id).executeTakeFirstOrThrow()).toEqual(before);
    const part = await editor.post(`/proveedor/ayuda/articulos/${id}/vista-previa?parcial=1`, form({ slug: 'vista-previa-prueba', body }));
    const fragment = await text(part);
    expect(fragment.startsWith('<div class="draft-preview">')).toBe(true);
    expect(fragment).not.toContain('<html');
    expect(await text(await editor.get('/static/help-editor.js'))).toContain('data-live-preview');
  });
});

describe('publishing', () => {
  it('asks for another person (four eyes), then readers get it; a rename answers 301 from the old address', async () => {
    const id = await newArticle({ title: 'Cuadrar el banco', slug: 'cuadrar-el-banco' });
    const own = await editor.get(`/proveedor/ayuda/articulos/${id}`);
    expect(await text(own)).toContain(escapeHtml(FOUR_EYES_MESSAGE));
    const refused = await editor.post(`/proveedor/ayuda/articulos/${id}/publicar`, { revision: '1', changeNote: 'Primera.' });
    expect(refused.status).toBe(422);
    expect(await text(refused)).toContain(escapeHtml(FOUR_EYES_MESSAGE));

    const noNote = await reviewer.post(`/proveedor/ayuda/articulos/${id}/publicar`, { revision: '1', changeNote: '' });
    expect(noNote.status).toBe(422);
    const ok = await reviewer.post(`/proveedor/ayuda/articulos/${id}/publicar`, { revision: '1', changeNote: 'Primera versión.' });
    expect(ok.status).toBe(303);
    const reader = await signedIn(rt, customer);
    expect((await reader.get('/ayuda/contabilidad/cuadrar-el-banco')).status).toBe(200);

    expect((await editor.post(`/proveedor/ayuda/articulos/${id}/guardar`, form({ title: 'Cuadrar el banco', slug: 'banco-cuadrado', revision: '0', body: 'Texto **nuevo**.' }))).status).toBe(303);
    // The draft's new slug is no reader's business until published.
    expect((await reader.get('/ayuda/contabilidad/banco-cuadrado')).status).toBe(404);
    // The second draft goes on from the first's revision: a page left open on the first cannot publish it.
    expect((await reviewer.post(`/proveedor/ayuda/articulos/${id}/publicar`, { revision: '1', changeNote: 'Nueva dirección.' })).status).toBe(409);
    expect((await reviewer.post(`/proveedor/ayuda/articulos/${id}/publicar`, { revision: '2', changeNote: 'Nueva dirección.' })).status).toBe(303);
    const moved = await reader.get('/ayuda/contabilidad/cuadrar-el-banco');
    expect(moved.status).toBe(301);
    expect(location(moved)).toBe('/ayuda/contabilidad/banco-cuadrado');

    const history = await text(await lectura.get(`/proveedor/ayuda/articulos/${id}/historial`));
    expect(history).toContain('Nueva dirección.');
    expect(history).not.toContain('Restaurar en el borrador');
    const diff = await text(await lectura.get(`/proveedor/ayuda/articulos/${id}/diferencias?de=1&a=2`));
    expect(diff).toMatch(/<del><span class="visually-hidden">\[quitado: <\/span>cuadrar-el-<span/);
    expect(diff).toContain('[añadido: </span>');

    // Unpublished: the old address no longer redirects either (no 301 to a page that answers 404).
    expect((await reviewer.post(`/proveedor/ayuda/articulos/${id}/despublicar`, { note: '' })).status).toBe(303);
    expect((await reader.get('/ayuda/contabilidad/cuadrar-el-banco')).status).toBe(404);
    expect((await reader.get('/ayuda/contabilidad/banco-cuadrado')).status).toBe(404);
  });

  it('restores a version into the draft without publishing it', async () => {
    const id = await newArticle({ title: 'Restaurar', slug: 'restaurar-prueba', body: 'Versión uno.' });
    await reviewer.post(`/proveedor/ayuda/articulos/${id}/publicar`, { revision: '1', changeNote: 'Uno.' });
    await editor.post(`/proveedor/ayuda/articulos/${id}/guardar`, form({ title: 'Restaurar', slug: 'restaurar-prueba', revision: '0', body: 'Versión dos.' }));
    await reviewer.post(`/proveedor/ayuda/articulos/${id}/publicar`, { revision: '2', changeNote: 'Dos.' });
    expect((await reviewer.post(`/proveedor/ayuda/articulos/${id}/restaurar`, { version: '1', revision: '0' })).status).toBe(303);
    expect((await rt.deps.db.selectFrom('help_article_drafts').select('body_md').where('article_id', '=', id).executeTakeFirstOrThrow()).body_md).toBe('Versión uno.');
    expect((await rt.deps.db.selectFrom('help_articles').select('body_md').where('id', '=', id).executeTakeFirstOrThrow()).body_md).toBe('Versión dos.');
  });
});

describe('roles', () => {
  it('lectura and soporte see the editor without anything that changes it, and their POSTs are refused', async () => {
    const id = await newArticle({ title: 'Sólo mirar', slug: 'solo-mirar' });
    for (const client of [lectura, soporte]) {
      const html = await text(await client.get(`/proveedor/ayuda/articulos/${id}`));
      expect(html).toContain('<fieldset disabled="">');
      expect(html).not.toContain('>Guardar</button>');
      expect(html).not.toContain('/publicar"');
      expect(html).not.toContain('/descartar"');
      expect(html).toContain('<article class="help-article">');
      for (const action of ['guardar', 'enviar', 'publicar', 'descartar', 'despublicar', 'restaurar']) {
        expect((await client.post(`/proveedor/ayuda/articulos/${id}/${action}`, form({ revision: '1', changeNote: 'x', version: '1' }))).status, action).toBe(403);
      }
      expect((await client.get('/proveedor/ayuda/articulos/nuevo?sistema=contabilidad')).status).toBe(403);
    }
    expect((await rt.deps.db.selectFrom('help_article_drafts').select('revision').where('article_id', '=', id).executeTakeFirstOrThrow()).revision).toBe(1);
  });

  it('an unknown article id is a 404', async () => {
    for (const path of ['/proveedor/ayuda/articulos/00000000-0000-0000-0000-000000000000', '/proveedor/ayuda/articulos/x%00y/historial']) expect((await editor.get(path)).status).toBe(404);
  });
});
