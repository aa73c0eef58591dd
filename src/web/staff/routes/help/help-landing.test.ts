import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location, type TestClient } from '../../../../../tests/client.ts';
import { signedInStaff } from '../../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../../tests/test-runtime.ts';
import { categoryOrder, systemOrder } from '../../../../../tests/help-structure-fixtures.ts';
import { listSystems } from '../../../../help/list-systems.ts';

let rt: TestRuntime;
let editor: TestClient;
let reader: TestClient;
let articleId: string;

beforeAll(async () => {
  rt = await createTestRuntime();
  editor = (await signedInStaff(rt, 'editor')).client;
  reader = (await signedInStaff(rt, 'lectura')).client;
  const a = await rt.deps.db.selectFrom('help_articles').selectAll().where('slug', '=', 'cierre-mensual').executeTakeFirstOrThrow();
  articleId = a.id;
  const at = rt.clock.now().toISOString();
  await rt.deps.db
    .insertInto('help_article_drafts')
    .values({
      article_id: a.id, category_id: a.category_id, slug: a.slug, title: 'Cierre mensual, revisado', summary: a.summary, tags: a.tags, position: a.position, body_md: a.body_md,
      state: 'review', revision: 2, base_version: 0, author_staff_id: null, author_label: 'autora@proveedor.cl', updated_by_label: 'autora@proveedor.cl', created_at: at, updated_at: at, submitted_at: at,
    })
    .execute();
  await rt.deps.db
    .insertInto('help_schedules')
    .values({ id: 'sched-1', article_id: a.id, action: 'publish', run_at: '2026-03-10T12:00:00.000Z', draft_revision: 2, created_by_label: 'jefa@proveedor.cl', created_at: at, done_at: null, outcome: null, outcome_detail: null })
    .execute();
});
afterAll(() => rt?.close());

const flashOf = (c: TestClient) => Buffer.from(c.cookies.get('staff_flash') ?? '', 'base64url').toString('utf8');

describe('/proveedor/ayuda', () => {
  it('shows every system with its categories and counts, the drafts in review, what is scheduled, and the tools', async () => {
    const res = await editor.get('/proveedor/ayuda');
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const s of await listSystems(rt.deps.db)) expect(html).toContain(`href="/proveedor/ayuda/sistemas/${s.slug}"`);
    expect(html).toContain(`<a href="/proveedor/ayuda/articulos/${articleId}">Cierre mensual, revisado</a>`);
    expect(html).toContain('autora@proveedor.cl');
    expect(html).toMatch(/publicar <a href="\/proveedor\/ayuda\/articulos\/[^"]+">Cierre mensual, revisado<\/a> · programado por <bdi>jefa@proveedor.cl/);
    for (const href of ['/proveedor/ayuda/busquedas', '/proveedor/ayuda/sinonimos', '/proveedor/ayuda/enlaces-rotos', '/proveedor/ayuda/articulos/nuevo', '/proveedor/ayuda/sistemas/nuevo']) {
      expect(html).toContain(`href="${href}`);
    }
    expect(html).toContain('/proveedor/ayuda/articulos/nuevo?sistema=contabilidad&amp;categoria=');
    expect(html).toMatch(/<td data-label="En revisión">1<\/td>/);
    expect(html).toContain('aria-label="Bajar el sistema');
    expect(html).toContain('<form method="get" action="/proveedor/ayuda/articulos/nuevo"');
  });

  it('lectura sees it all without a button, and every change is refused with 403, writing nothing', async () => {
    const html = await (await reader.get('/proveedor/ayuda')).text();
    expect(html).toContain('Para revisar');
    expect(html).not.toContain('Subir');
    expect(html).not.toContain('Nuevo sistema');
    expect(html).not.toContain('/proveedor/ayuda/articulos/nuevo');
    const page = await (await reader.get('/proveedor/ayuda/sistemas/contabilidad')).text();
    expect(page).not.toContain('name="direction"');
    expect(page).not.toContain('action="/proveedor/ayuda/sistemas/contabilidad"');
    expect(page).not.toContain('/categorias/nueva');
    const before = JSON.stringify([await systemOrder(rt), await categoryOrder(rt, 'contabilidad'), await listSystems(rt.deps.db)]);
    for (const [path, form] of [
      ['/proveedor/ayuda/sistemas/nuevo', { slug: 'nuevo-sistema', name: 'X' }],
      ['/proveedor/ayuda/sistemas/contabilidad', { name: 'Otro nombre' }],
      ['/proveedor/ayuda/sistemas/contabilidad/mover', { direction: 'abajo' }],
      ['/proveedor/ayuda/sistemas/contabilidad/categorias/nueva', { slug: 'otra', name: 'Otra' }],
    ] as const) {
      expect((await reader.post(path, form)).status, path).toBe(403);
    }
    expect((await reader.get('/proveedor/ayuda/sistemas/nuevo')).status).toBe(403);
    expect(JSON.stringify([await systemOrder(rt), await categoryOrder(rt, 'contabilidad'), await listSystems(rt.deps.db)])).toBe(before);
  });
});

describe('systems and categories through their forms', () => {
  it('creates a system (a contractable product), refuses a duplicate slug clearly, and says the slug is fixed', async () => {
    const form = await (await editor.get('/proveedor/ayuda/sistemas/nuevo')).text();
    expect(form).toContain('no se puede cambiar después');
    const res = await editor.post('/proveedor/ayuda/sistemas/nuevo', { slug: 'tesoreria', name: 'Tesorería', description: 'Bancos y pagos.' });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/proveedor/ayuda/sistemas/tesoreria');
    expect(flashOf(editor)).toMatch(/Sistema creado/);
    expect((await listSystems(rt.deps.db)).at(-1)).toEqual({ slug: 'tesoreria', name: 'Tesorería' });
    const dup = await editor.post('/proveedor/ayuda/sistemas/nuevo', { slug: 'tesoreria', name: 'Otra' });
    expect(dup.status).toBe(422);
    const html = await dup.text();
    expect(html).toContain('Ya existe un sistema con el código &quot;tesoreria&quot;. Elija otro código.');
    expect(html).toContain('value="Otra"');
    const bad = await editor.post('/proveedor/ayuda/sistemas/nuevo', { slug: 'Tesorería Dos', name: '' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Ingrese el nombre.');
  });

  it('moves a system with the plain buttons and renames it on its page', async () => {
    const before = (await systemOrder(rt)).map((s) => s.slug);
    const res = await editor.post('/proveedor/ayuda/sistemas/tesoreria/mover', { direction: 'arriba' });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/proveedor/ayuda#s-tesoreria');
    const after = (await systemOrder(rt)).map((s) => s.slug);
    expect(after).toEqual([...before.slice(0, -2), 'tesoreria', before.at(-2)]);
    expect((await editor.post('/proveedor/ayuda/sistemas/tesoreria/mover', { direction: 'de lado' })).status).toBe(303);
    expect(flashOf(editor)).toBe('Elija si se sube o se baja.');
    expect((await editor.post('/proveedor/ayuda/sistemas/tesoreria', { name: 'Tesorería y bancos', description: '' })).status).toBe(303);
    const page = await (await editor.get('/proveedor/ayuda/sistemas/tesoreria')).text();
    expect(page).toContain('<h1>Tesorería y bancos</h1>');
    expect(page).toContain('no cambia');
    expect((await editor.post('/proveedor/ayuda/sistemas/tesoreria', { name: '' })).status).toBe(422);
    expect((await editor.get('/proveedor/ayuda/sistemas/no-existe')).status).toBe(404);
    expect((await editor.get('/proveedor/ayuda/sistemas/%00')).status).toBe(404);
  });

  it('creates, edits and moves categories; the system page lists articles with their state badges', async () => {
    expect((await editor.post('/proveedor/ayuda/sistemas/tesoreria/categorias/nueva', { slug: 'bancos', name: 'Bancos' })).status).toBe(303);
    expect((await editor.post('/proveedor/ayuda/sistemas/tesoreria/categorias/nueva', { slug: 'pagos', name: 'Pagos', description: 'A proveedores.' })).status).toBe(303);
    const dup = await editor.post('/proveedor/ayuda/sistemas/tesoreria/categorias/nueva', { slug: 'pagos', name: 'Pagos 2' });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain('Este sistema ya tiene una categoría con el código &quot;pagos&quot;');
    expect((await editor.post('/proveedor/ayuda/sistemas/tesoreria/categorias/pagos/mover', { direction: 'arriba' })).status).toBe(303);
    expect((await categoryOrder(rt, 'tesoreria')).map((c) => c.slug)).toEqual(['pagos', 'bancos']);
    expect((await editor.get('/proveedor/ayuda/sistemas/tesoreria/categorias/bancos')).status).toBe(200);
    expect((await editor.post('/proveedor/ayuda/sistemas/tesoreria/categorias/bancos', { name: 'Bancos y cartolas', description: 'Conciliación.' })).status).toBe(303);
    expect((await editor.get('/proveedor/ayuda/sistemas/tesoreria/categorias/no-existe')).status).toBe(404);
    const page = await (await editor.get('/proveedor/ayuda/sistemas/tesoreria')).text();
    expect(page).toContain('Bancos y cartolas');
    expect(page.indexOf('>Pagos<')).toBeLessThan(page.indexOf('>Bancos y cartolas<'));

    const cont = await (await editor.get('/proveedor/ayuda/sistemas/contabilidad')).text();
    expect(cont).toContain(`<a href="/proveedor/ayuda/articulos/${articleId}">Cierre mensual, revisado</a>`);
    expect(cont).toContain(`<a href="/proveedor/ayuda/articulos/${articleId}/archivos">archivos`);
    expect(cont).toContain('<span class="badge state-active">publicado</span><span class="badge warning">en revisión</span>');
  });

  it('two creates of one slug at once: one is created, the others get the form back with the message, never a 500', async () => {
    const results = await Promise.all([1, 2, 3].map((i) => editor.post('/proveedor/ayuda/sistemas/nuevo', { slug: 'a-la-vez', name: `A la vez ${i}` })));
    expect(results.map((r) => r.status).sort()).toEqual([303, 422, 422]);
    for (const r of results.filter((x) => x.status === 422)) expect(await r.text()).toContain('Ya existe un sistema con el código &quot;a-la-vez&quot;');
    expect((await systemOrder(rt)).filter((s) => s.slug === 'a-la-vez')).toHaveLength(1);
  });
});
