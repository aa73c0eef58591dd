import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { renderArticle } from '../../../help/render-markdown.ts';

// The help reader follows the contracts in force (America/Santiago); the
// shipped corpus (contabilidad, remuneraciones, factura-electronica,
// inventario) is loaded in every test runtime.

const START = TEST_START;
const NOT_FOUND = 'La página que busca no existe o no tiene acceso a ella.';

let rt: TestRuntime;
/** Contabilidad in force, remuneraciones ended, factura-electrónica not started, no inventario. */
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Contadores Asociados Ltda.' });
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  await addContractFor(rt.deps, customer.id, 'remuneraciones', '2024-01-01', '2026-02-28');
  await addContractFor(rt.deps, customer.id, 'factura-electronica', '2026-04-01');
});
afterAll(() => rt.close());
beforeEach(() => {
  rt.clock.set(START);
});

async function signedIn(c: TestCustomer, email = c.admin.email, password = c.admin.password) {
  const client = new TestClient(rt);
  expect((await client.signIn(c.rut, email, password)).status).toBe(303);
  return client;
}

async function insertArticle(system: string, category: string, a: { slug: string; title: string; summary?: string; body: string; published?: number; updatedAt?: string }) {
  const sys = await rt.deps.db.selectFrom('systems').select('id').where('slug', '=', system).executeTakeFirstOrThrow();
  const cat = await rt.deps.db.selectFrom('help_categories').select('id').where('system_id', '=', sys.id).where('slug', '=', category).executeTakeFirstOrThrow();
  const rendered = renderArticle(a.body, { system, slug: a.slug });
  await rt.deps.db
    .insertInto('help_articles')
    .values({
      id: randomUUID(), system_id: sys.id, category_id: cat.id, slug: a.slug, title: a.title, summary: a.summary ?? '', body_md: a.body,
      body_html: rendered.html, body_text: rendered.text, toc: JSON.stringify(rendered.toc), source_hash: '',
      tags: '', position: 99, published: a.published ?? 1, updated_at: a.updatedAt ?? START.toISOString(),
    })
    .execute();
}

function prose(html: string): string {
  const i = html.indexOf('<div class="prose">');
  const j = html.indexOf('<p class="muted">Actualizado', i);
  expect(i).toBeGreaterThan(0);
  return html.slice(i, j);
}

describe('/ayuda', () => {
  it('lists only the systems with a contract in force today', async () => {
    const res = await (await signedIn(customer)).get('/ayuda');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Ayuda en línea</h1>');
    expect(html).toContain('<a href="/ayuda/contabilidad">Contabilidad</a>');
    expect(html).not.toContain('/ayuda/remuneraciones'); // ended
    expect(html).not.toContain('/ayuda/factura-electronica'); // not started
    expect(html).not.toContain('/ayuda/inventario'); // never contracted
  });

  it('tells a customer without contracts in force that there is no help yet', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const html = await (await (await signedIn(c)).get('/ayuda')).text();
    expect(html).toContain('Su empresa no tiene sistemas con un servicio vigente');
    expect(html).not.toContain('href="/ayuda/');
  });

  it('shows a system’s categories and articles with breadcrumbs', async () => {
    const res = await (await signedIn(customer)).get('/ayuda/contabilidad');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(
      '<nav aria-label="Ruta" class="breadcrumbs"><ol><li><a href="/ayuda">Ayuda en línea</a></li><li><span aria-current="page">Contabilidad</span></li></ol></nav>',
    );
    expect(html).toContain('<h1>Contabilidad</h1>');
    for (const category of ['Primeros pasos', 'Comprobantes y libros', 'Cierre e impuestos']) expect(html).toContain(`>${category}</h2>`);
    expect(html).toContain('<a href="/ayuda/contabilidad/plan-de-cuentas">Crear y mantener el plan de cuentas</a>');
    expect(html).toContain('href="/ayuda/contabilidad/cierre-mensual"');
    // Only this system's articles.
    expect(html).not.toContain('/ayuda/remuneraciones/');
  });

  it('renders an article from Markdown with breadcrumbs down to it and its category’s other articles', async () => {
    const res = await (await signedIn(customer)).get('/ayuda/contabilidad/plan-de-cuentas');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(
      '<ol><li><a href="/ayuda">Ayuda en línea</a></li><li><a href="/ayuda/contabilidad">Contabilidad</a></li>' +
        '<li><a href="/ayuda/contabilidad#cat-primeros-pasos">Primeros pasos</a></li>' +
        '<li><span aria-current="page">Crear y mantener el plan de cuentas</span></li></ol>',
    );
    expect(html).toContain('<h1>Crear y mantener el plan de cuentas</h1>');
    const body = prose(html);
    // Markdown became HTML: headings with ids, tables wrapped to scroll on a phone.
    expect(body).toContain('<h2 id="tipos-de-cuenta">Tipos de cuenta</h2>');
    expect(body).toContain('<div class="table-scroll" tabindex="0"><table>');
    expect(body).not.toContain('## ');
    // The side navigation marks the current article among its siblings.
    expect(html).toContain('<a href="/ayuda/contabilidad/plan-de-cuentas" aria-current="page">');
    expect(html).toContain('<a href="/ayuda/contabilidad/configurar-empresa">');
  });

  it('answers 404 by typed URL for a system without a contract in force, the same as for one that does not exist', async () => {
    const client = await signedIn(customer);
    const missing = await client.get('/ayuda/no-existe');
    expect(missing.status).toBe(404);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain(NOT_FOUND);
    for (const path of [
      '/ayuda/remuneraciones', // ended
      '/ayuda/remuneraciones/liquidacion-de-sueldo',
      '/ayuda/factura-electronica', // not started
      '/ayuda/factura-electronica/emitir-factura',
      '/ayuda/inventario', // never contracted
      '/ayuda/inventario/bodegas',
    ]) {
      const res = await client.get(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).toContain(NOT_FOUND);
      expect(html).not.toContain('Liquidación');
    }
    expect((await client.get('/ayuda/contabilidad/no-existe')).status).toBe(404);
    // An article of another system is not reachable through an open system's URL.
    expect((await client.get('/ayuda/contabilidad/liquidacion-de-sueldo')).status).toBe(404);
  });

  it('closes a system’s help when its contract ends (the next Santiago day), typed URL included', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, c.id, 'inventario', '2025-01-01', '2026-03-10');
    const article = '/ayuda/inventario/bodegas';
    expect((await (await signedIn(c)).get(article)).status).toBe(200);

    // 23:59 on the last day in Santiago (already the 11th in UTC): still open.
    rt.clock.set(new Date('2026-03-11T02:59:00Z'));
    let client = await signedIn(c);
    expect((await client.get(article)).status).toBe(200);

    // Midnight in Santiago: closed, by link and by typed URL.
    rt.clock.set(new Date('2026-03-11T03:00:00Z'));
    client = await signedIn(c);
    expect((await client.get(article)).status).toBe(404);
    expect((await client.get('/ayuda/inventario')).status).toBe(404);
    expect(await (await client.get('/ayuda')).text()).not.toContain('/ayuda/inventario');
  });

  it('opens an upcoming system’s help on its first day', async () => {
    rt.clock.set(new Date('2026-04-01T02:59:00Z')); // 23:59 on 31 March in Santiago (summer time, UTC-3, until 5 April)
    let client = await signedIn(customer);
    expect((await client.get('/ayuda/factura-electronica/emitir-factura')).status).toBe(404);
    rt.clock.set(new Date('2026-04-01T03:00:00Z')); // 00:00 on 1 April
    client = await signedIn(customer);
    expect((await client.get('/ayuda/factura-electronica/emitir-factura')).status).toBe(200);
  });

  it('escapes raw HTML and drops script links in an article body; title and summary are text', async () => {
    await insertArticle('contabilidad', 'primeros-pasos', {
      slug: 'prueba-xss',
      title: 'Prueba <b>negrita</b> & "comillas"',
      summary: '<img src=x onerror=alert(3)>',
      body: [
        'Texto **importante** y `código`.',
        '',
        "<script>alert('xss')</script>",
        '',
        '<img src=x onerror="alert(1)">',
        '',
        '[x](javascript:alert(1)) [y](JAVASCRIPT:alert(2)) [z](data:text/html;base64,PHNjcmlwdD4=) [bien](cierre-mensual)',
      ].join('\n'),
    });
    const res = await (await signedIn(customer)).get('/ayuda/contabilidad/prueba-xss');
    expect(res.status).toBe(200);
    const html = await res.text();
    const body = prose(html);
    expect(body).toContain('<strong>importante</strong>');
    expect(body).toContain('<code>código</code>');
    expect(body).toContain('&lt;script&gt;');
    expect(body).toContain('&lt;img src=x');
    // The only script is the search box's own file; nothing the article wrote.
    expect(html.match(/<script[^>]*>/gi)).toEqual(['<script src="/static/help-search.js" defer>']);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(/href="\s*(javascript|data):/i);
    expect(body).toContain('<a href="/ayuda/contabilidad/cierre-mensual">bien</a>'); // a link by slug still works
    expect(html).toContain('<h1>Prueba &lt;b&gt;negrita&lt;/b&gt; &amp; &quot;comillas&quot;</h1>');
    expect(html).not.toContain('<b>negrita</b>');
    // The CSP forbids inline script anyway.
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('does not show an unpublished article, by list or by typed URL', async () => {
    await insertArticle('contabilidad', 'primeros-pasos', { slug: 'borrador', title: 'Borrador sin publicar', body: 'Todavía no.', published: 0 });
    const client = await signedIn(customer);
    expect(await (await client.get('/ayuda/contabilidad')).text()).not.toContain('Borrador sin publicar');
    expect((await client.get('/ayuda/contabilidad/borrador')).status).toBe(404);
  });

  it('shows the day an article was updated as the day in Santiago', async () => {
    // 22:30 on 2 March in Santiago is already 3 March in UTC.
    await insertArticle('contabilidad', 'primeros-pasos', { slug: 'nocturno', title: 'Actualizado de noche', body: 'Hola.', updatedAt: '2026-03-03T01:30:00.000Z' });
    const html = await (await (await signedIn(customer)).get('/ayuda/contabilidad/nocturno')).text();
    expect(html).toContain('Actualizado el 2 de marzo de 2026');
  });

  it('lets a technical user read the help of the contracted systems, with no services or users in the navigation', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(customer, tech.email, tech.password);
    const index = await client.get('/ayuda');
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain('href="/ayuda/contabilidad"');
    expect(html).not.toContain('href="/servicios"');
    expect(html).not.toContain('href="/usuarios"');
    expect(html).toContain('href="/cuenta"');
    expect((await client.get('/ayuda/contabilidad')).status).toBe(200);
    expect((await client.get('/ayuda/contabilidad/cierre-mensual')).status).toBe(200);
    expect((await client.get('/ayuda/remuneraciones/previred')).status).toBe(404);
  });

  it('keeps another customer’s help closed', async () => {
    const other = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, other.id, 'inventario', '2025-01-01');
    const theirs = await signedIn(other);
    expect((await theirs.get('/ayuda/inventario/bodegas')).status).toBe(200);

    const mine = await signedIn(customer);
    expect((await mine.get('/ayuda/inventario')).status).toBe(404);
    expect((await mine.get('/ayuda/inventario/bodegas')).status).toBe(404);
    // And they do not see ours.
    expect((await theirs.get('/ayuda/contabilidad/plan-de-cuentas')).status).toBe(404);
    expect(await (await theirs.get('/ayuda')).text()).not.toContain('/ayuda/contabilidad');
  });

  it('sends an anonymous visitor to sign in and back to the article', async () => {
    const client = new TestClient(rt);
    const res = await client.get('/ayuda/contabilidad/plan-de-cuentas');
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/ingresar?volver=%2Fayuda%2Fcontabilidad%2Fplan-de-cuentas');
    const signedInRes = await client.post('/ingresar?volver=%2Fayuda%2Fcontabilidad%2Fplan-de-cuentas', {
      rut: customer.rut, email: customer.admin.email, password: customer.admin.password,
    });
    expect(location(signedInRes)).toBe('/ayuda/contabilidad/plan-de-cuentas');
    expect((await client.get('/ayuda')).status).toBe(200);
    expect(location(await new TestClient(rt).get('/ayuda'))).toBe('/ingresar?volver=%2Fayuda');
  });
});
