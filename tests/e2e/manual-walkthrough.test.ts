import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatRut } from '../../src/domain/rut.ts';
import { resetPathIn, temporaryPasswordIn } from '../smtp-peer.ts';
import { AxeAuditor, BrowserProblems, describeInBrowser, formatFindings, PHONE, screenshot, startBrowserAndPortal, VIEWPORT } from './browser.ts';
import type { PortalServer } from './portal-server.ts';

/**
 * The manual, walked in Debian's chromium against the real portal over HTTP:
 * the administrator signs in and adds a technical user, the credentials
 * e-mail is read from the SMTP peer, the technical user is forced to change
 * the password and then sees only help, the password is recovered from the
 * e-mailed link; all of it with axe-core on every page and once more with
 * JavaScript off. Screenshots of the main pages go to docs/screenshots/
 * (the help center's own, help-article.png among them, come from
 * help-center.test.ts).
 */

/** Every page the walk must have audited with axe (labels given to audit()). */
const MUST_AUDIT = [
  'ingresar', 'recuperar', 'servicios', 'ayuda', 'ayuda-sistema', 'articulo', 'usuarios', 'usuarios-nuevo', 'nueva-clave', 'cuenta', 'terminos', '404',
  '403', 'recuperar-enviado', 'restablecer', 'ingresar (con error)', 'usuarios-nuevo (con error)',
];

// Each step is a few seconds; the margin is for a busy machine running the whole suite at once.
describeInBrowser('manual walkthrough in the browser', { timeout: 45_000 }, () => {
  let portal: PortalServer;
  let browser: Browser;
  let axe: AxeAuditor;
  let adminCtx: BrowserContext;
  let techCtx: BrowserContext;

  const tech = { name: 'Camila Soto', email: 'camila.soto@losaromos.cl', password: '', temporary: '' };
  const FIRST_PASSWORD = 'faro sobre el cerro santa lucía';
  const RESET_PASSWORD = 'mate de la tarde en valparaíso';

  /** What the browser complained about: CSP violations, script errors, broken sub-resources, unexpected scripts. */
  const problems = new BrowserProblems();

  const url = (path: string) => portal.url + path;

  async function newPage(ctx: BrowserContext): Promise<Page> {
    return problems.watch(await ctx.newPage());
  }

  function expectNoBrowserProblems() {
    problems.expectNone();
  }

  async function audit(label: string, page: Page): Promise<void> {
    await axe.audit(label, page);
  }

  async function heading(page: Page): Promise<string> {
    return ((await page.locator('main h1').first().textContent()) ?? '').trim();
  }

  async function navLinks(page: Page): Promise<string[]> {
    const nav = page.getByRole('navigation', { name: 'Principal' });
    return (await nav.locator('ul a').allTextContents()).map((t) => t.trim());
  }

  async function signIn(page: Page, rut: string, email: string, password: string): Promise<void> {
    await page.getByLabel('RUT de la empresa').fill(rut);
    await page.getByLabel('Correo', { exact: true }).fill(email);
    await page.getByLabel('Clave', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
    await page.waitForLoadState();
  }

  async function flash(page: Page): Promise<string> {
    return ((await page.locator('main .notice.success').first().textContent()) ?? '').trim();
  }

  beforeAll(async () => {
    ({ browser, portal } = await startBrowserAndPortal());
    axe = await AxeAuditor.create(browser);
    adminCtx = await browser.newContext({ viewport: VIEWPORT, locale: 'es-CL' });
    techCtx = await browser.newContext({ viewport: VIEWPORT, locale: 'es-CL' });
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
  });

  it('1. the administrator signs in with the RUT as typed, sees the services in force and reads a help article', async () => {
    const { demo } = portal;
    const page = await newPage(adminCtx);
    await page.goto(url('/'));
    expect(new URL(page.url()).pathname).toBe('/ingresar');
    expect(await heading(page)).toBe('Ingresar');
    await expect(page.getByRole('link', { name: '¿Olvidó su contraseña?' }).isVisible()).resolves.toBe(true);
    // The manual's footer.
    const footer = (await page.locator('footer').textContent()) ?? '';
    expect(footer).toContain('navegador web moderno como Chrome, Firefox y Opera');
    expect(footer).toMatch(/\d{4} © Transtecnia/);
    await audit('ingresar', page);
    await screenshot(page, 'sign-in');

    await signIn(page, '76.543.210-3', demo.admin.email, demo.admin.password);
    expect(new URL(page.url()).pathname).toBe('/servicios');
    expect(await heading(page)).toBe('Servicios vigentes');
    const inForce = page.locator('table', { has: page.locator('caption', { hasText: /^Servicios vigentes$/ }) });
    const systems = (await inForce.locator('tbody th[scope=row]').allTextContents()).map((s) => s.trim());
    expect(systems.sort()).toEqual(['Contabilidad', 'Factura Electrónica', 'Remuneraciones']);
    expect(await inForce.locator('tbody tr', { hasText: 'Remuneraciones' }).textContent()).toContain('Termina en 20 días');
    expect(await page.getByRole('heading', { name: 'Por comenzar' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Terminados' }).isVisible()).toBe(true);
    expect(await navLinks(page)).toEqual(['Servicios', 'Ayuda en línea', 'Usuarios', 'Actividad', 'Mi cuenta']);
    await audit('servicios', page);
    await screenshot(page, 'services');

    // The same page on a phone: nothing wider than the screen but the tables' own scroll.
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, storageState: await adminCtx.storageState() });
    const mobile = await newPage(phone);
    await mobile.goto(url('/servicios'));
    expect(await heading(mobile)).toBe('Servicios vigentes');
    expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(mobile, 'services-mobile', true);
    await phone.close();

    // Follow the help link of a contract, open an article.
    await page.getByRole('link', { name: 'Ayuda de Contabilidad' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/ayuda/contabilidad');
    expect(await heading(page)).toBe('Contabilidad');
    await audit('ayuda-sistema', page);
    const first = page.locator('.article-list a').first();
    const title = ((await first.textContent()) ?? '').trim();
    await first.click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toMatch(/^\/ayuda\/contabilidad\/[\w-]+$/);
    expect(await heading(page)).toBe(title);
    const crumbs = page.getByRole('navigation', { name: 'Ruta' });
    expect(await crumbs.isVisible()).toBe(true);
    expect((await crumbs.locator('li').allTextContents()).map((s) => s.trim())).toEqual(['Ayuda en línea', 'Contabilidad', expect.any(String), title]);
    expect(await crumbs.getByRole('link', { name: 'Ayuda en línea' }).getAttribute('href')).toBe('/ayuda');
    expect((await page.locator('.prose').textContent())?.length ?? 0).toBeGreaterThan(200);
    await audit('articulo', page);

    await crumbs.getByRole('link', { name: 'Ayuda en línea' }).click();
    await page.waitForLoadState();
    expect(await heading(page)).toBe('Ayuda en línea');
    const helpSystems = (await page.locator('ul.cards h2').allTextContents()).map((s) => s.trim()).sort();
    expect(helpSystems).toEqual(['Contabilidad', 'Factura Electrónica', 'Remuneraciones']);
    await audit('ayuda', page);

    await page.goto(url('/terminos'));
    expect(await heading(page)).toBe('Términos y condiciones de uso');
    await audit('terminos', page);
    await page.close();
    expectNoBrowserProblems();
  });

  it('2. the administrator adds a technical user; the credentials e-mail arrives at the SMTP server', async () => {
    const page = await newPage(adminCtx);
    await page.goto(url('/servicios'));
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Usuarios' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/usuarios');
    expect(await heading(page)).toBe('Usuarios');
    await audit('usuarios', page);

    await page.getByRole('link', { name: 'Agregar usuarios' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/usuarios/nuevo');
    await audit('usuarios-nuevo', page);
    await page.getByLabel('Nombre completo').fill(tech.name);
    await page.getByLabel('Correo', { exact: true }).fill(tech.email);
    await screenshot(page, 'add-user');
    await page.getByRole('button', { name: 'Guardar y enviar credenciales' }).click();
    await page.waitForLoadState();

    expect(new URL(page.url()).pathname).toBe('/usuarios');
    expect(await flash(page)).toBe(`Usuario agregado. Enviamos las credenciales de acceso a ${tech.email}.`);
    const row = page.locator('tbody tr', { hasText: tech.email });
    expect(await row.textContent()).toContain('Pendiente de primer ingreso');
    expect(await row.textContent()).toContain('Técnico');
    await audit('usuarios (recién agregado)', page);
    await screenshot(page, 'users');

    const mail = await portal.smtp.waitFor(tech.email, /credenciales de acceso/);
    const text = mail.text ?? '';
    expect(text).toContain(formatRut(portal.demo.rut));
    expect(text).toContain(tech.email);
    expect(text).toContain(`${portal.url}/ingresar`);
    expect(text).toContain(portal.demo.admin.name);
    tech.temporary = temporaryPasswordIn(mail);
    // The administrator never sees the password.
    expect(await page.content()).not.toContain(tech.temporary);
    await page.close();
    expectNoBrowserProblems();
  });

  it('3. the technical user signs in with the e-mailed credentials, must set a new password, then sees only help', async () => {
    expect(tech.temporary, 'step 2 must have delivered the credentials').not.toBe('');
    const page = await newPage(techCtx);
    await page.goto(url('/ingresar'));
    await signIn(page, '765432103', tech.email, tech.temporary);

    expect(new URL(page.url()).pathname).toBe('/nueva-clave');
    expect(await heading(page)).toBe('Ingresar Nueva Clave de Acceso');
    const identity = (await page.locator('dl.identity').textContent()) ?? '';
    expect(identity).toContain('76.543.210-3');
    expect(identity).toContain(tech.email);
    expect(await navLinks(page)).toEqual([]);
    await audit('nueva-clave', page);
    await screenshot(page, 'new-password');

    // Until the password is changed, every page leads back here.
    await page.goto(url('/ayuda'));
    expect(new URL(page.url()).pathname).toBe('/nueva-clave');

    await page.getByLabel('Clave Actual de Acceso', { exact: true }).fill(tech.temporary);
    await page.getByLabel('Nueva Clave de Acceso', { exact: true }).fill(FIRST_PASSWORD);
    await page.getByLabel('Re-Ingrese Nueva Clave de Ingreso', { exact: true }).fill(FIRST_PASSWORD);
    await page.getByRole('button', { name: 'Modificar' }).click();
    await page.waitForLoadState();
    tech.password = FIRST_PASSWORD;

    expect(new URL(page.url()).pathname).toBe('/ayuda');
    expect(await heading(page)).toBe('Ayuda en línea');
    expect(await flash(page)).toContain('Su nueva clave quedó guardada');
    expect(await navLinks(page)).toEqual(['Ayuda en línea', 'Mi cuenta']);
    expect(await page.locator('ul.cards h2').count()).toBe(3);

    // Typed URLs to what only the administrator has.
    for (const path of ['/servicios', '/usuarios', '/usuarios/nuevo']) {
      const res = await page.goto(url(path));
      expect([403, 404], `status of ${path} for a technical user`).toContain(res?.status());
      expect(await heading(page)).toMatch(/^(Acceso no permitido|Página no encontrada)$/);
      expect(await page.locator('main').textContent()).not.toContain('Servicios vigentes');
    }
    await audit('403', page);
    // Help of a system whose contract ended (inventario): not found.
    expect((await page.goto(url('/ayuda/inventario')))?.status()).toBe(404);
    const res404 = await page.goto(url('/esta-pagina-no-existe'));
    expect(res404?.status()).toBe(404);
    expect(await heading(page)).toBe('Página no encontrada');
    await audit('404', page);

    await page.goto(url('/cuenta'));
    expect(await heading(page)).toBe('Mi cuenta');
    await audit('cuenta', page);
    await page.close();
    expectNoBrowserProblems();
  });

  it('4. "¿Olvidó su contraseña?": the e-mailed link sets a new password that then signs in', async () => {
    expect(tech.password, 'step 3 must have set the password').not.toBe('');
    const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'es-CL' });
    const page = await newPage(ctx);
    await page.goto(url('/ingresar'));
    await page.getByRole('link', { name: '¿Olvidó su contraseña?' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/recuperar');
    await audit('recuperar', page);
    await page.getByLabel('RUT de la empresa').fill('76543210-3');
    await page.getByLabel('Correo', { exact: true }).fill(tech.email);
    await page.getByRole('button', { name: 'Enviar enlace' }).click();
    await page.waitForLoadState();
    expect(await heading(page)).toBe('Revise su correo');
    await audit('recuperar-enviado', page);

    const mail = await portal.smtp.waitFor(tech.email, /Recupere su acceso/);
    expect(mail.text ?? '').toContain(`${portal.url}/restablecer?token=`);
    await page.goto(url(resetPathIn(mail)));
    expect(await heading(page)).toBe('Crear nueva clave');
    expect(await page.locator('dl.identity').textContent()).toContain(tech.email);
    await audit('restablecer', page);
    await page.getByLabel('Nueva Clave de Acceso', { exact: true }).fill(RESET_PASSWORD);
    await page.getByLabel('Re-Ingrese Nueva Clave de Ingreso', { exact: true }).fill(RESET_PASSWORD);
    await page.getByRole('button', { name: 'Guardar nueva clave' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/ingresar');
    expect(await flash(page)).toContain('Su nueva clave quedó guardada');
    await portal.smtp.waitFor(tech.email, /fue cambiada/);

    // The reset ended the session of step 3 …
    const old = await newPage(techCtx);
    await old.goto(url('/ayuda'));
    expect(new URL(old.url()).pathname).toBe('/ingresar');
    await old.close();
    // … and the new password signs in.
    await signIn(page, '76543210-3', tech.email, RESET_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/ayuda');
    expect(await heading(page)).toBe('Ayuda en línea');
    tech.password = RESET_PASSWORD;
    await ctx.close();
    expectNoBrowserProblems();
  });

  it('5. sign-in and "Agregar usuarios" work with JavaScript turned off', async () => {
    const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'es-CL', javaScriptEnabled: false });
    const page = await newPage(ctx);
    await page.goto(url('/ingresar'));
    expect(await page.locator('script').count()).toBe(0);

    // A wrong check digit: its own message, from the server.
    await signIn(page, '76.543.210-4', portal.demo.admin.email, portal.demo.admin.password);
    expect(await page.locator('#errores').textContent()).toMatch(/dígito verificador/i);
    await audit('ingresar (con error)', page);

    await signIn(page, '76543210-3', portal.demo.admin.email, portal.demo.admin.password);
    expect(new URL(page.url()).pathname).toBe('/servicios');
    await page.getByRole('link', { name: 'Usuarios', exact: true }).click();
    await page.waitForLoadState();
    await page.getByRole('link', { name: 'Agregar usuarios' }).click();
    await page.waitForLoadState();

    // A duplicate e-mail under the same customer: a clear message, nothing saved.
    await page.getByLabel('Nombre completo').fill('Otra Camila');
    await page.getByLabel('Correo', { exact: true }).fill(tech.email);
    await page.getByRole('button', { name: 'Guardar y enviar credenciales' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/usuarios/nuevo');
    expect(await page.locator('#errores').isVisible()).toBe(true);
    await audit('usuarios-nuevo (con error)', page);

    const second = { name: 'Pedro Lagos', email: 'pedro.lagos@losaromos.cl' };
    await page.getByLabel('Nombre completo').fill(second.name);
    await page.getByLabel('Correo', { exact: true }).fill(second.email);
    await page.getByRole('button', { name: 'Guardar y enviar credenciales' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe('/usuarios');
    expect(await flash(page)).toBe(`Usuario agregado. Enviamos las credenciales de acceso a ${second.email}.`);
    expect(await page.locator('tbody tr', { hasText: second.email }).count()).toBe(1);
    expect(await page.locator('script').count()).toBe(0);
    temporaryPasswordIn(await portal.smtp.waitFor(second.email, /credenciales de acceso/));
    await ctx.close();
    expectNoBrowserProblems();
  });

  it('6. axe-core finds no serious or critical violation on any page visited', async () => {
    await axe.settle();
    await axe.expectToCatchKnownFaults(portal.url);
    expect(MUST_AUDIT.filter((p) => !axe.audited.has(p)), 'pages the walk did not audit').toEqual([]);
    const minor = axe.findings.filter((f) => f.impact !== 'serious' && f.impact !== 'critical');
    if (minor.length > 0) console.warn(`axe: ${minor.length} minor/moderate finding(s):\n${formatFindings(minor)}`);
    const blocking = axe.findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
    expect(blocking, `axe found serious/critical violations:\n${formatFindings(blocking)}`).toEqual([]);
  });
});
