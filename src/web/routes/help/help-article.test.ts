import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { between, hrefs, insertArticle, limitHelpTo, NOT_FOUND, setUpdatedAt, signedIn } from '../../../../tests/help-fixtures.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';

// One article page of the shipped corpus: its table of contents, where it
// sits (breadcrumbs, previous and next in its category), what else to read,
// its files, and who may open it.

const ARTICLE = '/ayuda/contabilidad/importar-plan-de-cuentas';

let rt: TestRuntime;
/** Contabilidad, inventario and activo fijo in force: related articles could come from three systems. */
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Contadores Asociados Ltda.' });
  for (const s of ['contabilidad', 'inventario', 'activo-fijo']) await addContractFor(rt.deps, customer.id, s, '2025-01-01');
});
afterAll(() => rt.close());
beforeEach(() => {
  rt.clock.set(TEST_START);
});

async function articlePage(path: string, client?: TestClient): Promise<string> {
  const res = await (client ?? (await signedIn(rt, customer))).get(path);
  expect(res.status, path).toBe(200);
  return res.text();
}

const prose = (html: string) => between(html, '<div class="prose">', '<p class="muted">Actualizado');
const toc = (html: string) => between(html, '<nav class="toc"', '</nav>');
const related = (html: string) => between(html, '<nav aria-label="Artículos relacionados">', '</nav>');

describe('an article page', () => {
  it('lists the article’s h2 and h3 in its table of contents, each pointing at a heading of the body', async () => {
    const html = await articlePage(ARTICLE);
    const entries = [...toc(html).matchAll(/<li( class="toc-sub")?><a href="#([^"]+)">([^<]+)<\/a><\/li>/g)].map((m) => ({ level: m[1] ? 3 : 2, id: m[2]!, text: m[3]! }));
    const headings = [...prose(html).matchAll(/<h([23]) id="([^"]+)">([^<]+)<\/h\1>/g)].map((m) => ({ level: Number(m[1]), id: m[2]!, text: m[3]! }));
    expect(entries).toEqual([
      { level: 2, id: 'antes-de-empezar', text: 'Antes de empezar' },
      { level: 2, id: 'formato-de-la-planilla', text: 'Formato de la planilla' },
      { level: 3, id: 'partir-desde-la-plantilla-de-ejemplo', text: 'Partir desde la plantilla de ejemplo' },
      { level: 2, id: 'paso-a-paso', text: 'Paso a paso' },
      { level: 3, id: 'errores-frecuentes', text: 'Errores frecuentes' },
      { level: 2, id: 'despues-de-importar', text: 'Después de importar' },
    ]);
    // Same headings, same order, same levels: every anchor lands somewhere.
    expect(headings).toEqual(entries);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
  });

  it('shows no table of contents for an article with a single section', async () => {
    await insertArticle(rt, { system: 'contabilidad', category: 'cierre-e-impuestos', slug: 'una-seccion', title: 'Una sola sección', html: '<h2 id="unica">Única</h2>\n<p>Hola.</p>\n' });
    await rt.deps.db.updateTable('help_articles').set({ toc: JSON.stringify([{ level: 2, id: 'unica', text: 'Única' }]) }).where('slug', '=', 'una-seccion').execute();
    const html = await articlePage('/ayuda/contabilidad/una-seccion');
    expect(html).not.toContain('class="toc"');
    expect(html).toContain('<h2 id="unica">Única</h2>');
  });

  it('shows breadcrumbs from the help home down to the article, through its system and category', async () => {
    const html = await articlePage(ARTICLE);
    expect(html).toContain(
      '<nav aria-label="Ruta" class="breadcrumbs"><ol><li><a href="/ayuda">Ayuda en línea</a></li><li><a href="/ayuda/contabilidad">Contabilidad</a></li>' +
        '<li><a href="/ayuda/contabilidad#cat-primeros-pasos">Primeros pasos</a></li>' +
        '<li><span aria-current="page">Importar el plan de cuentas desde Excel</span></li></ol></nav>',
    );
    expect(html).toContain('<h1>Importar el plan de cuentas desde Excel</h1>');
    expect(html).toContain('<title>Importar el plan de cuentas desde Excel · Contabilidad · ');
    // The category anchor exists on the system page.
    expect(await articlePage('/ayuda/contabilidad')).toContain('<h2 id="cat-primeros-pasos">Primeros pasos</h2>');
  });

  it('links the previous and next article of the same category, published ones only, none before the first or after the last', async () => {
    // An unpublished article after the last one must not become its "next".
    await insertArticle(rt, { system: 'contabilidad', category: 'primeros-pasos', slug: 'borrador-primeros-pasos', title: 'Borrador', position: 4, published: false });
    const client = await signedIn(rt, customer);
    const prevNext = async (slug: string) => {
      const html = await articlePage(`/ayuda/contabilidad/${slug}`, client);
      const nav = html.includes('<nav class="prev-next"') ? between(html, '<nav class="prev-next"', '</nav>') : '';
      return {
        previous: /<a href="([^"]+)" rel="prev"><span>Anterior<\/span> ([^<]+)<\/a>/.exec(nav)?.slice(1) ?? null,
        next: /<a href="([^"]+)" rel="next"><span>Siguiente<\/span> ([^<]+)<\/a>/.exec(nav)?.slice(1) ?? null,
      };
    };
    expect(await prevNext('configurar-empresa')).toEqual({ previous: null, next: ['/ayuda/contabilidad/plan-de-cuentas', 'Crear y mantener el plan de cuentas'] });
    expect(await prevNext('plan-de-cuentas')).toEqual({
      previous: ['/ayuda/contabilidad/configurar-empresa', 'Configurar la empresa y el año contable'],
      next: ['/ayuda/contabilidad/importar-plan-de-cuentas', 'Importar el plan de cuentas desde Excel'],
    });
    // The last of "Primeros pasos": the next category's first article is not its "next".
    expect(await prevNext('importar-plan-de-cuentas')).toEqual({ previous: ['/ayuda/contabilidad/plan-de-cuentas', 'Crear y mantener el plan de cuentas'], next: null });
    const side = between(await articlePage(ARTICLE, client), '<aside class="side-nav">', '</nav>');
    expect(side).not.toContain('borrador-primeros-pasos');
  });

  it('lists related articles that share tags, from the same system and published only, the most shared first', async () => {
    // Shares two tags (excel, planilla) where plan-de-cuentas shares one.
    await insertArticle(rt, { system: 'contabilidad', category: 'cierre-e-impuestos', slug: 'planillas-de-excel', title: 'Planillas de Excel', tags: ['excel', 'planilla'] });
    // Would share all four, but is not published.
    await insertArticle(rt, { system: 'contabilidad', category: 'cierre-e-impuestos', slug: 'borrador-importar', title: 'Borrador de importación', tags: ['plan de cuentas', 'importar', 'excel', 'planilla'], published: false });
    // Inventario and activo fijo have articles tagged "importar", "excel" and "planilla", and this customer may read them.
    const links = hrefs(related(await articlePage(ARTICLE)));
    expect(links).toEqual(['/ayuda/contabilidad/planillas-de-excel', '/ayuda/contabilidad/plan-de-cuentas']);
    expect(await articlePage('/ayuda/inventario/importar-productos')).not.toContain('/ayuda/contabilidad/');
  });

  it('says the day the article was updated, in Santiago', async () => {
    expect(await articlePage(ARTICLE)).toContain('<p class="muted">Actualizado el 2 de marzo de 2026</p>');
    // 23:30 on 30 December in Santiago (summer time) is already the 31st in UTC.
    await setUpdatedAt(rt, 'contabilidad', 'configurar-empresa', '2025-12-31T02:30:00.000Z');
    expect(await articlePage('/ayuda/contabilidad/configurar-empresa')).toContain('<p class="muted">Actualizado el 30 de diciembre de 2025</p>');
  });

  it('shows its image and links its file under the article’s own URL, and both open', async () => {
    const client = await signedIn(rt, customer);
    const body = prose(await articlePage(ARTICLE, client));
    const image = `${ARTICLE}/adjuntos/imagenes/importar-plan-de-cuentas.png`;
    const file = `${ARTICLE}/adjuntos/archivos/plantilla-plan-de-cuentas.csv`;
    expect(body).toMatch(new RegExp(`<img src="${image}" alt="Ventana de importación del plan de cuentas[^"]*" loading="lazy">`));
    expect(body).toContain(`<a href="${file}">plantilla de ejemplo (CSV)</a>`);
    // Every file the body points at is one of this article's.
    for (const src of [...body.matchAll(/(?:src|href)="(\/ayuda\/[^"]*\/adjuntos\/[^"]*)"/g)].map((m) => m[1]!)) expect(src.startsWith(`${ARTICLE}/adjuntos/`), src).toBe(true);
    expect((await client.get(image)).status).toBe(200);
    expect((await client.get(file)).status).toBe(200);
  });

  it('answers 404 for an unpublished article, as for one that does not exist', async () => {
    await insertArticle(rt, { system: 'contabilidad', category: 'primeros-pasos', slug: 'sin-publicar', title: 'Todavía no', published: false });
    const client = await signedIn(rt, customer);
    const res = await client.get('/ayuda/contabilidad/sin-publicar');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain(NOT_FOUND);
    expect(html).not.toContain('Todavía no');
    expect((await client.get('/ayuda/contabilidad/no-existe')).status).toBe(404);
    // A NUL byte is a slug no article has (PostgreSQL would refuse it in a query).
    expect((await client.get('/ayuda/contabilidad/cierre-mensual%00')).status).toBe(404);
    expect((await client.get('/ayuda/contabilidad/Cierre-Mensual')).status).toBe(404);
    expect(await articlePage('/ayuda/contabilidad', client)).not.toContain('sin-publicar');
  });
});

describe('who may open an article', () => {
  it('lets a technical user of the customer read it (allowed)', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const html = await articlePage(ARTICLE, await signedIn(rt, customer, tech.email, tech.password));
    expect(html).toContain('<h1>Importar el plan de cuentas desde Excel</h1>');
    expect(html).toContain('¿Le fue útil este artículo?');
  });

  it('sends a signed-out visitor to sign in, and answers 404 to a technical user limited to other systems (forbidden)', async () => {
    const res = await new TestClient(rt).get(ARTICLE);
    expect(res.status).toBe(303);
    expect(location(res)).toBe(`/ingresar?volver=${encodeURIComponent(ARTICLE)}`);

    const tech = await createTechnicalUser(rt.deps, customer.id);
    await limitHelpTo(rt, tech.id, ['inventario']);
    const client = await signedIn(rt, customer, tech.email, tech.password);
    const limited = await client.get(ARTICLE);
    expect(limited.status).toBe(404);
    expect(await limited.text()).toContain(NOT_FOUND);
    expect((await client.get('/ayuda/inventario/importar-productos')).status).toBe(200);
  });

  it('answers 404 to another customer without that contract, to one without contracts and to one whose contract ended (other customer)', async () => {
    const other = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, other.id, 'remuneraciones', '2025-01-01');
    const none = await createCustomerWithAdmin(rt.deps);
    const ended = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, ended.id, 'contabilidad', '2024-01-01', '2026-03-01');
    for (const c of [other, none, ended]) {
      const res = await (await signedIn(rt, c)).get(ARTICLE);
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain(NOT_FOUND);
      expect(html).not.toContain('Importar el plan de cuentas');
    }
    // The other customer reads its own system.
    expect((await (await signedIn(rt, other)).get('/ayuda/remuneraciones/previred')).status).toBe(200);
  });
});
