import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { vendorToday } from '../../src/domain/contracts.ts';
import { rutCheckDigit } from '../../src/domain/rut.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../factories.ts';
import { AxeAuditor, BrowserProblems, describeInBrowser, PHONE, screenshot, startBrowserAndPortal, VIEWPORT } from './browser.ts';
import type { PortalServer } from './portal-server.ts';

/**
 * The help center in Debian's chromium against the real portal over HTTP
 * (page cache included): suggestions while typing and the keyboard, the
 * results page (highlights, filter by system, pages), the "¿Le fue útil?"
 * vote, an article's image and file and how they stay closed to another
 * customer, a technical user the administrator limits to one system, and the
 * search form without JavaScript. axe-core audits every help page and must
 * find nothing at all, of any impact; the browser must report no console
 * error or CSP violation (help-search.js runs under script-src 'self').
 * Screenshots: docs/screenshots/help-*.png.
 */

/** Every page the test must have audited with axe (labels given to audit()). */
const MUST_AUDIT = [
  'ayuda', 'ayuda-sistema', 'sugerencias', 'articulo', 'articulo (votado)', 'articulo (voto con error)', 'buscar', 'buscar (filtrado)', 'buscar (página 2)',
  'buscar (sin resultados)', 'usuarios', 'usuarios-ayuda', 'usuarios-ayuda (con error)', 'ayuda (técnico limitado)', 'buscar (técnico limitado)',
];

/** The article with a table of contents, an image and a CSV file. */
const ARTICLE = '/ayuda/contabilidad/importar-plan-de-cuentas';
const IMAGE = `${ARTICLE}/adjuntos/imagenes/importar-plan-de-cuentas.png`;
const CSV = `${ARTICLE}/adjuntos/archivos/plantilla-plan-de-cuentas.csv`;
const PER_PAGE = 10;

function daysBefore(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

describeInBrowser('help center in the browser', { timeout: 30_000 }, () => {
  let portal: PortalServer;
  let browser: Browser;
  let axe: AxeAuditor;
  /** Contabilidad and remuneraciones in force; no factura electrónica. */
  let robles: TestCustomer;
  /** Remuneraciones and factura electrónica; no contabilidad. */
  let quillay: TestCustomer;
  let tech: { id: string; email: string; password: string };
  let roblesCtx: BrowserContext;

  const problems = new BrowserProblems();
  const url = (path: string) => portal.url + path;
  const path = (page: Page) => new URL(page.url()).pathname;

  async function newPage(ctx: BrowserContext): Promise<Page> {
    return problems.watch(await ctx.newPage());
  }

  async function newContext(opts: { javaScriptEnabled?: boolean; from?: BrowserContext } = {}): Promise<BrowserContext> {
    return browser.newContext({
      viewport: VIEWPORT,
      locale: 'es-CL',
      javaScriptEnabled: opts.javaScriptEnabled ?? true,
      ...(opts.from ? { storageState: await opts.from.storageState() } : {}),
    });
  }

  async function heading(page: Page): Promise<string> {
    return ((await page.locator('main h1').first().textContent()) ?? '').trim();
  }

  async function flash(page: Page): Promise<string> {
    return ((await page.locator('main .notice.success').first().textContent()) ?? '').trim();
  }

  async function texts(page: Page, selector: string): Promise<string[]> {
    return (await page.locator(selector).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  async function signIn(ctx: BrowserContext, rut: string, email: string, password: string): Promise<Page> {
    const page = await newPage(ctx);
    await page.goto(url('/ingresar'));
    await page.getByLabel('RUT de la empresa').fill(rut);
    await page.getByLabel('Correo', { exact: true }).fill(email);
    await page.getByLabel('Clave', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
    await page.waitForLoadState();
    expect(path(page), `sign-in of ${email}`).not.toBe('/ingresar');
    return page;
  }

  const searchBox = (page: Page) => page.getByRole('search').getByLabel('Buscar en la ayuda');
  const suggestions = (page: Page) => page.getByRole('listbox', { name: 'Sugerencias' });

  /** Type like a person, and wait for the suggestions the server gave for the whole text. */
  async function typeAndWaitForSuggestions(page: Page, text: string): Promise<Array<{ title: string; system: string; url: string }>> {
    const answered = page.waitForResponse((r) => {
      const u = new URL(r.url());
      return u.pathname === '/ayuda/sugerencias' && u.searchParams.get('q') === text;
    });
    await searchBox(page).pressSequentially(text.slice((await searchBox(page).inputValue()).length), { delay: 90 });
    const res = await answered;
    expect(res.status()).toBe(200);
    expect(res.headers()['cache-control']).toBe('private, no-store');
    const { suggestions: list } = (await res.json()) as { suggestions: Array<{ title: string; system: string; url: string }> };
    await expect.poll(() => texts(page, '#q-sugerencias .suggestion-title')).toEqual(list.map((s) => s.title));
    return list;
  }

  /** The number in "14 resultados para «…»". */
  async function resultCount(page: Page): Promise<number> {
    const m = /^(\d+) resultados? para «/.exec(await heading(page));
    expect(m, `results heading: ${await heading(page)}`).not.toBeNull();
    return Number(m![1]);
  }

  beforeAll(async () => {
    ({ browser, portal } = await startBrowserAndPortal());
    const { deps } = portal.runtime;
    const since = daysBefore(vendorToday(deps.clock.now()), 400);
    robles = await createCustomerWithAdmin(deps, { name: 'Estudio Contable Los Robles Ltda.', adminEmail: 'ana@losrobles.cl' });
    // A RUT of its own (the factory's is random): the screenshots show it.
    robles.rut = `77231456-${rutCheckDigit('77231456')}`;
    await deps.db.updateTable('customers').set({ rut: robles.rut }).where('id', '=', robles.id).execute();
    await addContractFor(deps, robles.id, 'contabilidad', since);
    await addContractFor(deps, robles.id, 'remuneraciones', since);
    tech = await createTechnicalUser(deps, robles.id, { name: 'Rocío Fuentes', email: 'rocio.fuentes@losrobles.cl' });
    quillay = await createCustomerWithAdmin(deps, { name: 'Panadería El Quillay SpA', adminEmail: 'ana@elquillay.cl' });
    await addContractFor(deps, quillay.id, 'remuneraciones', since);
    await addContractFor(deps, quillay.id, 'factura-electronica', since);
    axe = await AxeAuditor.create(browser);
    roblesCtx = await newContext();
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
  });

  it('1. a customer sees the help of its contracted systems only, with the search box as a combobox', async () => {
    const page = await signIn(roblesCtx, robles.rut, robles.admin.email, robles.admin.password);
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Ayuda en línea' }).click();
    await page.waitForLoadState();
    expect(path(page)).toBe('/ayuda');
    expect(await heading(page)).toBe('Ayuda en línea');
    expect(await texts(page, 'ul.cards h2')).toEqual(['Contabilidad', 'Remuneraciones']);
    // help-search.js ran, under script-src 'self': the box is an ARIA 1.2 combobox.
    const box = searchBox(page);
    expect(await box.getAttribute('role')).toBe('combobox');
    expect(await box.getAttribute('aria-expanded')).toBe('false');
    expect(await box.getAttribute('aria-controls')).toBe('q-sugerencias');
    expect(await box.getAttribute('aria-autocomplete')).toBe('list');
    await axe.audit('ayuda', page);

    await page.getByRole('link', { name: 'Contabilidad', exact: true }).click();
    await page.waitForLoadState();
    expect(path(page)).toBe('/ayuda/contabilidad');
    expect(await texts(page, 'main section.help-category h2')).toEqual(['Primeros pasos', 'Comprobantes y libros', 'Cierre e impuestos']);
    await axe.audit('ayuda-sistema', page);

    // Not contracted: not found, by typed URL too.
    expect((await page.goto(url('/ayuda/factura-electronica')))?.status()).toBe(404);
    expect((await page.goto(url('/ayuda/factura-electronica/emitir-factura')))?.status()).toBe(404);
    await page.close();
    problems.expectNone();
  });

  it('2. suggestions while typing: the listbox, the keyboard, Enter opens the highlighted article', async () => {
    const page = await newPage(roblesCtx);
    await page.goto(url('/ayuda'));
    const box = searchBox(page);
    await box.click();
    const list = await typeAndWaitForSuggestions(page, 'liquidaci');
    expect(list.length).toBeGreaterThan(1);
    expect(list.length).toBeLessThanOrEqual(6);
    expect(list.every((s) => /^\/ayuda\/(contabilidad|remuneraciones)\//.test(s.url))).toBe(true);
    const listbox = suggestions(page);
    expect(await listbox.isVisible()).toBe(true);
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    const options = listbox.getByRole('option');
    expect(await options.count()).toBe(list.length);
    // Each option's name is "Title, System".
    expect(await options.first().evaluate((el) => el.textContent)).toBe(`${list[0]!.title}, ${list[0]!.system}`);
    expect(await page.getByRole('status').filter({ hasText: 'sugerencia' }).textContent()).toBe(`${list.length} sugerencias`);

    // Down, down, up: the first option is the active descendant.
    await box.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBe('q-sugerencia-0');
    await box.press('ArrowDown');
    expect(await box.getAttribute('aria-activedescendant')).toBe('q-sugerencia-1');
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('false');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    await box.press('ArrowUp');
    expect(await box.getAttribute('aria-activedescendant')).toBe('q-sugerencia-0');
    expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
    await axe.audit('sugerencias', page);
    await screenshot(page, 'help-suggestions');

    // Escape closes the list; ArrowDown opens it again on the first option.
    await box.press('Escape');
    expect(await listbox.isHidden()).toBe(true);
    expect(await box.getAttribute('aria-expanded')).toBe('false');
    expect(await box.getAttribute('aria-activedescendant')).toBeNull();
    await box.press('ArrowDown');
    expect(await listbox.isVisible()).toBe(true);
    expect(await box.getAttribute('aria-activedescendant')).toBe('q-sugerencia-0');
    expect(await listbox.locator('[aria-selected="true"]').count()).toBe(1);

    // Typing on after choosing: the new list has nothing highlighted.
    await typeAndWaitForSuggestions(page, 'liquidacio');
    expect(await box.getAttribute('aria-activedescendant')).toBeNull();
    expect(await listbox.locator('[aria-selected="true"]').count()).toBe(0);

    // Too short, then the same text again: asked again, shown again.
    await box.fill('l');
    await expect.poll(() => listbox.isHidden()).toBe(true);
    await typeAndWaitForSuggestions(page, 'liquidacio');
    expect(await listbox.isVisible()).toBe(true);

    await box.press('ArrowDown');
    const chosen = ((await options.first().locator('.suggestion-title').textContent()) ?? '').trim();
    await Promise.all([page.waitForURL((u) => u.pathname !== '/ayuda'), box.press('Enter')]);
    expect(path(page)).toMatch(/^\/ayuda\/remuneraciones\/[\w-]+$/);
    expect(await heading(page)).toBe(chosen);
    await page.close();
    problems.expectNone();
  });

  it('3. Enter without choosing searches: results with highlights, filter by system, pages; a result opens its article', async () => {
    const page = await newPage(roblesCtx);
    await page.goto(url('/ayuda/remuneraciones/liquidacion-de-sueldo'));
    const box = searchBox(page);
    await box.click();
    await typeAndWaitForSuggestions(page, 'liquidación');
    expect(await suggestions(page).isVisible()).toBe(true);
    await Promise.all([page.waitForURL((u) => u.pathname === '/ayuda/buscar'), box.press('Enter')]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('liquidación');
    expect(await searchBox(page).inputValue()).toBe('liquidación');

    const total = await resultCount(page);
    expect(total, 'the query must find more than one page of results, to walk the pages').toBeGreaterThan(PER_PAGE);
    expect(await heading(page)).toBe(`${total} resultados para «liquidación»`);
    const results = page.locator('ol.search-results > li');
    expect(await results.count()).toBe(PER_PAGE);
    const marks = await texts(page, 'ol.search-results mark');
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((m) => /^liquidaci[oó]n/i.test(m))).toBe(true);
    expect(await page.locator('ol.search-results h2 mark').count()).toBeGreaterThan(0);
    // Both systems may have results (the filter below finds Contabilidad's); the ranking decides which come first.
    const where = await texts(page, 'ol.search-results .result-where');
    expect(where.filter((w) => !/^(Remuneraciones|Contabilidad) › /.test(w))).toEqual([]);

    const filter = page.getByRole('navigation', { name: 'Filtrar por sistema' });
    expect(await texts(page, 'nav.filter a')).toEqual(['Todos los sistemas', 'Contabilidad', 'Remuneraciones']);
    expect(await filter.getByRole('link', { name: 'Todos los sistemas' }).getAttribute('aria-current')).toBe('page');
    const pages = page.getByRole('navigation', { name: 'Páginas de resultados' });
    expect(await pages.getByRole('link', { name: 'Página 1', exact: true }).getAttribute('aria-current')).toBe('page');
    await axe.audit('buscar', page);
    await screenshot(page, 'help-search');

    // The second page.
    await pages.getByRole('link', { name: 'Siguiente' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).searchParams.get('pagina')).toBe('2');
    expect(await page.locator('ol.search-results').getAttribute('start')).toBe(String(PER_PAGE + 1));
    expect(await results.count()).toBe(Math.min(PER_PAGE, total - PER_PAGE));
    expect(await pages.getByRole('link', { name: 'Página 2', exact: true }).getAttribute('aria-current')).toBe('page');
    await axe.audit('buscar (página 2)', page);

    // Only Contabilidad.
    await filter.getByRole('link', { name: 'Contabilidad' }).click();
    await page.waitForLoadState();
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ q: 'liquidación', sistema: 'contabilidad' });
    expect(await heading(page)).toMatch(/^\d+ resultados? para «liquidación» en Contabilidad$/);
    const filtered = await resultCount(page);
    expect(filtered).toBeGreaterThan(0);
    expect(filtered).toBeLessThan(total);
    expect((await texts(page, 'ol.search-results .result-where')).every((w) => w.startsWith('Contabilidad ›'))).toBe(true);
    expect(await filter.getByRole('link', { name: 'Contabilidad' }).getAttribute('aria-current')).toBe('page');
    // The search box keeps the filter for the next search.
    expect(await page.locator('form.help-search input[type=hidden][name=sistema]').getAttribute('value')).toBe('contabilidad');
    await axe.audit('buscar (filtrado)', page);

    // A result opens its article, through the click recorder (it works without JavaScript: a redirect).
    const first = page.locator('ol.search-results h2 a').first();
    const title = ((await first.textContent()) ?? '').trim();
    const href = (await first.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/ayuda\/buscar\/ir\?b=[\w-]+&a=contabilidad%2F[\w-]+$/);
    const target = `/ayuda/${decodeURIComponent(new URL(href, portal.url).searchParams.get('a') ?? '')}`;
    await first.click();
    await page.waitForLoadState();
    expect(path(page)).toBe(target);
    expect(await heading(page)).toBe(title);

    // Nothing found: a clear page, with ways out.
    await searchBox(page).fill('xyzzy quásar');
    await Promise.all([page.waitForURL((u) => u.pathname === '/ayuda/buscar'), page.getByRole('search').getByRole('button', { name: 'Buscar' }).click()]);
    expect(await heading(page)).toBe('No encontramos artículos sobre «xyzzy quásar»');
    expect(await page.locator('ol.search-results').count()).toBe(0);
    expect(await page.locator('.empty-search').getByRole('link', { name: 'portada de la ayuda' }).getAttribute('href')).toBe('/ayuda');
    await axe.audit('buscar (sin resultados)', page);
    await page.close();
    problems.expectNone();
  });

  it('4. an article with its table of contents, image and file; on a phone', async () => {
    const page = await newPage(roblesCtx);
    const imageResponses: Response[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === IMAGE) imageResponses.push(r);
    });
    await page.goto(url(ARTICLE));
    expect(await heading(page)).toBe('Importar el plan de cuentas desde Excel');
    const toc = page.getByRole('navigation', { name: 'En este artículo' });
    const entries = await toc.getByRole('link').all();
    expect(entries.length).toBeGreaterThan(2);
    for (const a of entries) {
      const id = ((await a.getAttribute('href')) ?? '').slice(1);
      expect(await page.locator(`.prose [id="${id}"]`).count(), `TOC target #${id}`).toBe(1);
    }
    // Sections are numbered 1, 2, 3…; their sub-sections (h3, same flat list) take no number.
    // (The browser's own list numbers would count every item: they are off, and a counter of level-2 items shows instead.)
    const markers = await toc.locator('li').evaluateAll((lis) =>
      lis.map((li) => ({ sub: li.classList.contains('toc-sub'), native: getComputedStyle(li).listStyleType, shown: getComputedStyle(li, '::before').content })),
    );
    expect(markers.map((m) => m.sub)).toEqual([false, false, true, false, true, false]);
    expect(markers.filter((m) => m.native !== 'none')).toEqual([]);
    expect(markers.filter((m) => m.sub === /counter\(/.test(m.shown))).toEqual([]);
    await axe.audit('articulo', page);
    await screenshot(page, 'help-article');

    // The image (lazy: it loads when near the screen).
    const img = page.locator('.prose img');
    expect(await img.getAttribute('src')).toBe(IMAGE);
    expect(await img.getAttribute('alt')).toMatch(/^Ventana de importación del plan de cuentas/);
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0))).toBeGreaterThan(0);
    expect(imageResponses.map((r) => r.status())).toEqual([200]);
    expect(imageResponses[0]!.headers()['content-type']).toBe('image/png');
    // Private: no shared cache may hand it to someone else (step 6 checks the browser's own cache).
    expect(imageResponses[0]!.headers()['cache-control']?.split(',').map((d) => d.trim())).toContain('private');

    // The CSV template downloads.
    const link = page.getByRole('link', { name: 'plantilla de ejemplo (CSV)' });
    expect(await link.getAttribute('href')).toBe(CSV);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('plantilla-plan-de-cuentas.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\n')[0]?.trim()).toBe('Codigo;Nombre;Tipo;CentroCosto;Auxiliar;Documento');
    expect(csv).toContain('1.1.01.01;Caja;Activo');
    await page.close();

    // On a phone: nothing wider than the screen; the table scrolls in its own box.
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'es-CL', storageState: await roblesCtx.storageState() });
    const mobile = await newPage(phone);
    await mobile.goto(url(ARTICLE));
    expect(await heading(mobile)).toBe('Importar el plan de cuentas desde Excel');
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(mobile, 'help-article-phone');
    await phone.close();
    problems.expectNone();
  });

  it('5. "¿Le fue útil?": No with a comment, then Sí; an over-long comment is refused (422)', async () => {
    const page = await newPage(roblesCtx);
    await page.goto(url(ARTICLE));
    const feedback = page.locator('section.feedback');
    const yes = feedback.getByRole('button', { name: 'Sí', exact: true });
    const no = feedback.getByRole('button', { name: 'No', exact: true });
    expect(await feedback.textContent()).not.toContain('Usted respondió');
    expect(await no.getAttribute('aria-pressed')).toBeNull();

    const comment = 'Faltó un ejemplo con centros de costo.';
    await feedback.getByLabel(/^Comentario \(opcional\)/).fill(comment);
    await Promise.all([page.waitForURL((u) => u.hash === '#valoracion'), no.click()]);
    expect(path(page)).toBe(ARTICLE);
    expect(await flash(page)).toBe('Gracias por su opinión: nos ayuda a mejorar la ayuda.');
    expect(await feedback.textContent()).toContain('Usted respondió «No». Puede cambiar su respuesta cuando quiera.');
    expect(await no.getAttribute('aria-pressed')).toBe('true');
    expect(await yes.getAttribute('aria-pressed')).toBe('false');
    expect(await feedback.getByLabel(/^Comentario/).inputValue()).toBe(comment);
    await axe.audit('articulo (votado)', page);

    await Promise.all([page.waitForURL((u) => u.hash === '#valoracion'), yes.click()]);
    expect(await feedback.textContent()).toContain('Usted respondió «Sí».');
    expect(await yes.getAttribute('aria-pressed')).toBe('true');
    expect(await no.getAttribute('aria-pressed')).toBe('false');
    // Loaded again, without the flash: served ahead of the framework (web/reader-pages.ts,
    // both databases), and still showing this person's vote.
    const served = async () => Number(/^portal_reader_pages_total\{route="\/ayuda\/:system\/:article",outcome="served"\} (\d+)/m.exec(await portal.runtime.deps.metrics.exposition())?.[1]);
    const servedBefore = await served();
    await page.goto(url(ARTICLE));
    expect(await served()).toBe(servedBefore + 1);
    expect(await feedback.textContent()).toContain('Usted respondió «Sí».');

    // A browser that does not enforce maxlength: the server refuses, keeps the text, keeps the vote.
    const long = 'a'.repeat(1001);
    await feedback.getByLabel(/^Comentario/).evaluate((el) => el.removeAttribute('maxlength'));
    await feedback.getByLabel(/^Comentario/).fill(long);
    const [refused] = await Promise.all([
      page.waitForResponse((r: Response) => r.request().method() === 'POST' && new URL(r.url()).pathname === `${ARTICLE}/voto`),
      no.click(),
    ]);
    await page.waitForLoadState();
    expect(refused.status()).toBe(422);
    expect(await feedback.getByRole('alert').textContent()).toContain('El comentario puede tener hasta 1.000 caracteres.');
    expect(await feedback.getByLabel(/^Comentario/).inputValue()).toBe(long);
    expect(await feedback.textContent()).toContain('Usted respondió «Sí».');
    await axe.audit('articulo (voto con error)', page);
    await page.close();
    problems.expectNone();
  });

  it('6. the image and the file stay closed to another customer, and to nobody signed in', async () => {
    // The owner: both answer.
    for (const p of [IMAGE, CSV]) expect((await roblesCtx.request.get(url(p), { maxRedirects: 0 })).status(), p).toBe(200);

    const quillayCtx = await newContext();
    const page = await signIn(quillayCtx, quillay.rut, quillay.admin.email, quillay.admin.password);
    for (const p of [IMAGE, CSV, ARTICLE, '/ayuda/contabilidad']) {
      const res = await page.goto(url(p));
      expect(res?.status(), `${p} for a customer without contabilidad`).toBe(404);
      expect(await heading(page)).toBe('Página no encontrada');
    }
    // Their own help is open.
    expect((await page.goto(url('/ayuda/remuneraciones/liquidacion-de-sueldo')))?.status()).toBe(200);
    await quillayCtx.close();

    // The same browser, after the owner signed out and the other customer signed in: not from the browser's cache.
    const shared = await newContext();
    const owner = await signIn(shared, robles.rut, robles.admin.email, robles.admin.password);
    // Opened in a tab of its own, as to zoom in: shown, and without CSP complaints from the image viewer.
    expect((await owner.goto(url(IMAGE)))?.status()).toBe(200);
    expect(await owner.evaluate(() => document.images[0]?.naturalWidth ?? 0)).toBeGreaterThan(0);
    await owner.goto(url('/ayuda'));
    await owner.getByRole('button', { name: 'Salir' }).click();
    await owner.waitForLoadState();
    expect(path(owner)).toBe('/ingresar');
    await owner.close();
    const next = await signIn(shared, quillay.rut, quillay.admin.email, quillay.admin.password);
    expect((await next.goto(url(IMAGE)))?.status()).toBe(404);
    await shared.close();

    const anonymous = await newContext();
    const res = await anonymous.request.get(url(IMAGE), { maxRedirects: 0 });
    expect(res.status()).toBe(303);
    expect(res.headers().location).toBe(`/ingresar?volver=${encodeURIComponent(IMAGE)}`);
    await anonymous.close();
    problems.expectNone();
  });

  it('7. the administrator limits a technical user to remuneraciones; the user then reads and finds only that', async () => {
    const page = await newPage(roblesCtx);
    await page.goto(url('/usuarios'));
    const row = page.locator('tbody tr', { hasText: tech.email });
    await axe.audit('usuarios', page);
    await row.getByRole('link', { name: /^Ayuda: todos los sistemas/ }).click();
    await page.waitForLoadState();
    expect(path(page)).toBe(`/usuarios/${tech.id}/ayuda`);
    expect(await heading(page)).toBe('Sistemas de ayuda de Rocío Fuentes');
    expect(await page.getByLabel(/^Todos los sistemas contratados/).isChecked()).toBe(true);
    await axe.audit('usuarios-ayuda', page);

    // "Only the marked ones" with none marked: refused.
    await page.getByLabel('Sólo los sistemas marcados:').check();
    const [refused] = await Promise.all([
      page.waitForResponse((r: Response) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Guardar' }).click(),
    ]);
    await page.waitForLoadState();
    expect(refused.status()).toBe(422);
    expect(await page.locator('main').textContent()).toContain('Marque al menos un sistema');
    await axe.audit('usuarios-ayuda (con error)', page);

    await page.getByLabel('Sólo los sistemas marcados:').check();
    await page.getByLabel('Remuneraciones', { exact: true }).check();
    expect(await page.getByLabel('Contabilidad', { exact: true }).isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Guardar' }).click();
    await page.waitForLoadState();
    expect(path(page)).toBe('/usuarios');
    expect(await flash(page)).toBe(`${tech.email} sólo podrá leer la ayuda de los sistemas marcados.`);
    expect(await row.getByRole('link', { name: /^Ayuda: Remuneraciones/ }).isVisible()).toBe(true);
    await page.close();

    const techCtx = await newContext();
    const help = await signIn(techCtx, robles.rut, tech.email, tech.password);
    expect(path(help)).toBe('/ayuda');
    expect(await texts(help, 'ul.cards h2')).toEqual(['Remuneraciones']);
    await axe.audit('ayuda (técnico limitado)', help);

    // Suggestions and search: nothing from contabilidad.
    await searchBox(help).click();
    const offered = await typeAndWaitForSuggestions(help, 'plan de cuentas');
    expect(offered.filter((s) => !s.url.startsWith('/ayuda/remuneraciones/'))).toEqual([]);
    await Promise.all([help.waitForURL((u) => u.pathname === '/ayuda/buscar'), searchBox(help).press('Enter')]);
    expect(await help.locator('ol.search-results a[href^="/ayuda/contabilidad/"]').count()).toBe(0);
    expect((await texts(help, '.result-where')).filter((w) => !w.startsWith('Remuneraciones ›'))).toEqual([]);
    expect(await help.getByRole('navigation', { name: 'Filtrar por sistema' }).count()).toBe(0);
    // A filter for a system outside the scope is ignored, not obeyed.
    await help.goto(url('/ayuda/buscar?q=conciliaci%C3%B3n+bancaria&sistema=contabilidad'));
    expect(await heading(help)).toMatch(/^(\d+ resultados? para|No encontramos artículos sobre) «conciliación bancaria»$/);
    expect(await help.locator('ol.search-results a[href^="/ayuda/contabilidad/"]').count()).toBe(0);
    expect(await help.locator('form.help-search input[name=sistema]').count()).toBe(0);
    await axe.audit('buscar (técnico limitado)', help);
    for (const p of ['/ayuda/contabilidad', ARTICLE, IMAGE]) expect((await help.goto(url(p)))?.status(), p).toBe(404);
    await techCtx.close();
    problems.expectNone();
  });

  it('8. without JavaScript the search form still searches, keeps the filter, and opens a result', async () => {
    const ctx = await newContext({ javaScriptEnabled: false, from: roblesCtx });
    const page = await newPage(ctx);
    await page.goto(url('/ayuda'));
    const box = searchBox(page);
    expect(await box.getAttribute('role')).toBeNull();
    expect(await page.getByRole('listbox').count()).toBe(0);
    await box.fill('cierre mensual');
    await box.press('Enter');
    await page.waitForLoadState();
    expect(path(page)).toBe('/ayuda/buscar');
    expect(new URL(page.url()).searchParams.get('q')).toBe('cierre mensual');
    expect(await resultCount(page)).toBeGreaterThan(0);
    expect(await page.locator('ol.search-results mark').count()).toBeGreaterThan(0);

    await page.getByRole('navigation', { name: 'Filtrar por sistema' }).getByRole('link', { name: 'Contabilidad' }).click();
    await page.waitForLoadState();
    await searchBox(page).fill('balance');
    await page.getByRole('search').getByRole('button', { name: 'Buscar' }).click();
    await page.waitForLoadState();
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ q: 'balance', sistema: 'contabilidad' });
    expect(await resultCount(page)).toBeGreaterThan(0);
    const first = page.locator('ol.search-results h2 a').first();
    const title = ((await first.textContent()) ?? '').trim();
    await first.click();
    await page.waitForLoadState();
    expect(await heading(page)).toBe(title);
    await ctx.close();
    problems.expectNone();
  });

  it('9. axe-core finds nothing, of any impact, on the help pages', async () => {
    await axe.expectNoViolations(portal.url, MUST_AUDIT);
  });
});
