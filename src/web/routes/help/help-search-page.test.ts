import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { between, hrefs, limitHelpTo, signedIn, systemId } from '../../../../tests/help-fixtures.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { HELP_REPORT_COMMANDS } from '../../../cli/help-report-commands.ts';

// The search page and the search box's suggestions, over the shipped corpus.
// Counts are asked of the search itself (the ranking has tests of its own);
// what is checked here is what the page makes of them, and that nothing
// outside the person's systems ever shows.

let rt: TestRuntime;
/** Contabilidad and inventario in force. */
let customer: TestCustomer;
let admin: TestClient;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  await addContractFor(rt.deps, customer.id, 'inventario', '2025-01-01');
  admin = await signedIn(rt, customer);
});
afterAll(() => rt.close());
beforeEach(() => {
  rt.clock.set(TEST_START);
});

async function searchPage(query: string, client = admin): Promise<string> {
  const res = await client.get(`/ayuda/buscar?${query}`);
  expect(res.status, query).toBe(200);
  return res.text();
}

/** The total the page should announce, straight from the search. */
async function totalFor(text: string, systems: string[]): Promise<number> {
  const ids = await Promise.all(systems.map((s) => systemId(rt, s)));
  return (await rt.deps.helpSearch.search({ text, systemIds: ids })).total;
}

const results = (html: string) => between(html, '<ol class="search-results"', '</ol>');
/** Each result's article; page 1's links go through the click recorder (/ayuda/buscar/ir?b=…&a=<system>/<slug>). */
const resultLinks = (html: string) =>
  [...results(html).matchAll(/<h2><a href="([^"]+)">/g)].map((m) => {
    const href = m[1]!.replaceAll('&amp;', '&');
    return href.startsWith('/ayuda/buscar/ir?') ? `/ayuda/${new URL(href, 'http://x').searchParams.get('a')}` : href;
  });
const heading = (html: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];

function misses() {
  return rt.deps.db.selectFrom('help_search_misses').select(['query', 'system_slug', 'count']).orderBy('query').orderBy('system_slug').execute();
}

describe('the search page', () => {
  it('shows the count, the results with their words marked, where each one is, and a snippet', async () => {
    const total = await totalFor('cierre mensual', ['contabilidad', 'inventario']);
    expect(total).toBeGreaterThan(1);
    const html = await searchPage('q=cierre+mensual');
    expect(heading(html)).toBe(`${total} resultados para «cierre mensual»`);
    expect(html).toContain('<title>Buscar «cierre mensual» · ');
    const first = between(results(html), '<li>', '</li>');
    expect(first).toMatch(/<h2><a href="\/ayuda\/buscar\/ir\?b=[0-9a-f-]{36}&amp;a=contabilidad%2Fcierre-mensual"><mark>Cierre<\/mark> <mark>mensual<\/mark> de la contabilidad<\/a><\/h2>/);
    expect(resultLinks(html)[0]).toBe('/ayuda/contabilidad/cierre-mensual');
    expect(first).toContain('<p class="result-where">Contabilidad › Cierre e impuestos</p>');
    expect(first).toMatch(/<p class="snippet">[^<]*(<mark>[^<]+<\/mark>[^<]*)+<\/p>/);
    expect(resultLinks(html).every((h) => /^\/ayuda\/(contabilidad|inventario)\//.test(h))).toBe(true);
    // The search box keeps the query.
    expect(html).toContain('<input type="search" id="q" name="q" value="cierre mensual"');
  });

  it('filters by system with links that say which one is current, ignoring a system the person may not read', async () => {
    const all = await searchPage('q=cuenta');
    const filter = between(all, '<nav class="filter" aria-label="Filtrar por sistema">', '</nav>');
    expect(filter).toContain('<a href="/ayuda/buscar?q=cuenta" aria-current="page">Todos los sistemas</a>');
    expect(filter).toContain('<a href="/ayuda/buscar?q=cuenta&amp;sistema=contabilidad">Contabilidad</a>');
    expect(filter).toContain('<a href="/ayuda/buscar?q=cuenta&amp;sistema=inventario">Inventario</a>');
    expect(filter).not.toContain('remuneraciones');

    const total = await totalFor('cuenta', ['inventario']);
    const html = await searchPage('q=cuenta&sistema=inventario');
    expect(heading(html)).toBe(`${total} ${total === 1 ? 'resultado' : 'resultados'} para «cuenta» en Inventario`);
    const current = between(html, '<nav class="filter"', '</nav>');
    expect(current).toContain('<a href="/ayuda/buscar?q=cuenta">Todos los sistemas</a>');
    expect(current).toContain('<a href="/ayuda/buscar?q=cuenta&amp;sistema=inventario" aria-current="page">Inventario</a>');
    expect(resultLinks(html).length).toBeGreaterThan(0);
    expect(resultLinks(html).every((h) => h.startsWith('/ayuda/inventario/'))).toBe(true);
    // The box searches within the filter again.
    expect(html).toContain('<input type="hidden" name="sistema" value="inventario"/>');

    // Remuneraciones is not this customer's: no filter, no mention, the same as all systems.
    const foreign = await searchPage('q=cuenta&sistema=remuneraciones');
    expect(heading(foreign)).toBe(heading(all));
    expect(foreign).not.toContain('Remuneraciones');
    expect(resultLinks(foreign)).toEqual(resultLinks(all));
  });

  it('pages the results with links that keep the query and the system', async () => {
    const total = await totalFor('cuenta', ['contabilidad']);
    const pages = Math.ceil(total / 10);
    expect(pages).toBeGreaterThanOrEqual(2);
    const first = await searchPage('q=cuenta&sistema=contabilidad');
    expect(resultLinks(first)).toHaveLength(10);
    const nav = between(first, '<nav class="pagination" aria-label="Páginas de resultados">', '</nav>');
    expect(nav).toContain('<a href="/ayuda/buscar?q=cuenta&amp;sistema=contabilidad" aria-current="page" aria-label="Página 1">1</a>');
    expect(nav).toContain('<a href="/ayuda/buscar?q=cuenta&amp;sistema=contabilidad&amp;pagina=2" aria-label="Página 2">2</a>');
    expect(nav).toContain('<a href="/ayuda/buscar?q=cuenta&amp;sistema=contabilidad&amp;pagina=2" rel="next">Siguiente</a>');
    expect(nav).not.toContain('rel="prev"');
    for (const h of hrefs(nav)) expect(h).toMatch(/^\/ayuda\/buscar\?q=cuenta&amp;sistema=contabilidad(&amp;pagina=\d+)?$/);

    const second = await searchPage('q=cuenta&sistema=contabilidad&pagina=2');
    expect(second).toContain('<ol class="search-results" start="11">');
    expect(resultLinks(second)).toHaveLength(Math.min(10, total - 10));
    expect(resultLinks(second).some((h) => resultLinks(first).includes(h))).toBe(false);
    const nav2 = between(second, '<nav class="pagination"', '</nav>');
    expect(nav2).toContain('<a href="/ayuda/buscar?q=cuenta&amp;sistema=contabilidad" rel="prev">Anterior</a>');
    expect(nav2).toContain('aria-current="page" aria-label="Página 2"');

    // Past the last page: no results, a way back, the same count.
    const past = await searchPage(`q=cuenta&sistema=contabilidad&pagina=${pages + 5}`);
    expect(past).toContain('No hay más resultados. <a href="/ayuda/buscar?q=cuenta&amp;sistema=contabilidad">Volver a la primera página</a>.');
    expect(heading(past)).toBe(`${total} resultados para «cuenta» en Contabilidad`);
  });

  it('offers other ways when nothing is found, and records the miss for the vendor', async () => {
    const before = await misses();
    expect(before).toEqual([]);
    const html = await searchPage('q=zzqxw+plof');
    expect(heading(html)).toBe('No encontramos artículos sobre «zzqxw plof»');
    const tips = between(html, '<div class="empty-search">', '</div>');
    expect(tips).toContain('revisar cómo se escribió, o usar otras palabras;');
    expect(tips).toContain('<a href="/ayuda">portada de la ayuda</a>');
    expect(tips).not.toContain('buscar en todos sus sistemas'); // there is no filter to lift
    expect(html).not.toContain('class="search-results"');
    expect(await misses()).toEqual([{ query: 'zzqxw plof', system_slug: '', count: 1 }]);

    // Within one system: a way out of the filter, and a miss of its own.
    const filtered = await searchPage('q=zzqxw+plof&sistema=inventario');
    expect(between(filtered, '<div class="empty-search">', '</div>')).toContain('<a href="/ayuda/buscar?q=zzqxw+plof">buscar en todos sus sistemas</a>');
    // The same words, typed differently, are the same miss.
    await searchPage('q=ZZQXW++Plof');
    expect(await misses()).toEqual([
      { query: 'zzqxw plof', system_slug: '', count: 2 },
      { query: 'zzqxw plof', system_slug: 'inventario', count: 1 },
    ]);
    // A NUL byte typed into the URL is a space, not a server error.
    await searchPage('q=zzqxw%00plof');
    expect((await misses())[0]!.count).toBe(3);

    const out: string[] = [];
    await HELP_REPORT_COMMANDS['help misses']!.run(rt, {}, (s) => out.push(s), { err: () => {}, args: [], operator: { kind: 'cli', label: 'operador (prueba)' } });
    const lines = out.join('\n').split('\n');
    expect(lines.find((l) => l.startsWith('zzqxw plof') && /\btodos\b/.test(l))).toMatch(/\s3\s/);
    expect(lines.find((l) => l.startsWith('zzqxw plof') && /\binventario\b/.test(l))).toMatch(/\s1\s/);
  });

  it('says so when the query has only words too common to search, and records no miss', async () => {
    const before = await misses();
    const html = await searchPage('q=de+la+el');
    expect(heading(html)).toBe('Buscar en la ayuda');
    expect(html).toContain('<p class="notice">Escriba al menos una palabra con significado: «de la el» solo tiene palabras demasiado comunes para buscarlas.</p>');
    expect(html).not.toContain('class="search-results"');
    expect(await misses()).toEqual(before);
  });

  it('shows the search form alone when there is no query', async () => {
    const html = await searchPage('q=');
    expect(heading(html)).toBe('Buscar en la ayuda');
    expect(html).toContain('Escriba lo que necesita hacer');
  });

  it('escapes HTML in the query everywhere it is shown: title, heading, box and links', async () => {
    // "a" is a stop word: the search is for «cierre» alone, so the page has results and filter links to escape.
    const q = '"><a>cierre</a>';
    const html = await searchPage(`q=${encodeURIComponent(q)}`);
    expect(html).not.toContain('"><a>cierre');
    const escaped = '&quot;&gt;&lt;a&gt;cierre&lt;/a&gt;';
    expect(html).toContain(`<title>Buscar «${escaped}» · `);
    expect(heading(html)).toMatch(new RegExp(` para «${escaped.replace(/[()]/g, '\\$&')}»$`));
    expect(html).toContain(`<input type="search" id="q" name="q" value="${escaped}"`);
    // In links the query is URL-encoded, then escaped as an attribute.
    expect(html).toContain(`href="/ayuda/buscar?${new URLSearchParams({ q })}&amp;sistema=contabilidad"`);

    const nothing = await searchPage(`q=${encodeURIComponent('<img src=x onerror=alert(1)> zzqxw')}`);
    expect(nothing).not.toContain('<img src=x');
    expect(heading(nothing)).toBe('No encontramos artículos sobre «&lt;img src=x onerror=alert(1)&gt; zzqxw»');
  });

  it('searches nothing outside a technical user’s scope (forbidden), nor another customer’s systems (other customer)', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    await limitHelpTo(rt, tech.id, ['inventario']);
    const limited = await signedIn(rt, customer, tech.email, tech.password);
    const html = await searchPage('q=cierre+mensual', limited);
    const total = await totalFor('cierre mensual', ['inventario']);
    expect(heading(html)).toBe(`${total} ${total === 1 ? 'resultado' : 'resultados'} para «cierre mensual»`);
    expect(html).not.toContain('/ayuda/contabilidad/');
    expect(await searchPage('q=cierre+mensual&sistema=contabilidad', limited)).not.toContain('/ayuda/contabilidad/');

    const other = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, other.id, 'remuneraciones', '2025-01-01');
    const theirs = await searchPage('q=plan+de+cuentas', await signedIn(rt, other));
    expect(theirs).not.toContain('/ayuda/contabilidad/');
    expect(theirs).not.toContain('/ayuda/inventario/');

    const res = await new TestClient(rt).get('/ayuda/buscar?q=cierre');
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/ingresar?volver=%2Fayuda%2Fbuscar');
  });
});

describe('the suggestions', () => {
  it('answer JSON { suggestions: [{ title, system, url }] }, private and never stored', async () => {
    const res = await admin.get('/ayuda/sugerencias?q=cierre');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const body = (await res.json()) as { suggestions: Array<Record<string, string>> };
    expect(Object.keys(body)).toEqual(['suggestions']);
    expect(body.suggestions.length).toBeGreaterThan(0);
    expect(body.suggestions.length).toBeLessThanOrEqual(6);
    for (const s of body.suggestions) {
      expect(Object.keys(s).sort()).toEqual(['system', 'title', 'url']);
      expect(s.url).toMatch(/^\/ayuda\/(contabilidad|inventario)\/[a-z0-9-]+$/);
      expect(['Contabilidad', 'Inventario']).toContain(s.system);
      expect(s.title).not.toContain('<mark>');
    }
    expect(body.suggestions).toContainEqual({ title: 'Cierre mensual de la contabilidad', system: 'Contabilidad', url: '/ayuda/contabilidad/cierre-mensual' });
  });

  it('are empty for fewer than two characters', async () => {
    for (const q of ['', 'c', ' c ', '%00c']) {
      const res = await admin.get(`/ayuda/sugerencias?q=${q}`);
      expect(res.status, q).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(await res.json()).toEqual({ suggestions: [] });
    }
    expect(await (await admin.get('/ayuda/sugerencias')).json()).toEqual({ suggestions: [] });
  });

  it('come from the person’s systems only', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    await limitHelpTo(rt, tech.id, ['inventario']);
    const limited = await signedIn(rt, customer, tech.email, tech.password);
    const body = (await (await limited.get('/ayuda/sugerencias?q=cierre')).json()) as { suggestions: Array<{ url: string }> };
    expect(body.suggestions.every((s) => s.url.startsWith('/ayuda/inventario/'))).toBe(true);

    const none = await createCustomerWithAdmin(rt.deps);
    expect(await (await (await signedIn(rt, none)).get('/ayuda/sugerencias?q=cierre')).json()).toEqual({ suggestions: [] });
  });

  it('send a signed-out request to sign in', async () => {
    const res = await new TestClient(rt).get('/ayuda/sugerencias?q=cierre');
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/ingresar?volver=%2Fayuda%2Fsugerencias');
  });
});
