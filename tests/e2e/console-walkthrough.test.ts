import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliOperator } from '../../src/auth/principal.ts';
import { accountId } from '../../src/auth/password-attempt.ts';
import { COMMANDS } from '../../src/cli/commands.ts';
import { addDays, vendorToday } from '../../src/domain/contracts.ts';
import { formatRut, rutCheckDigit } from '../../src/domain/rut.ts';
import { linkPathIn, temporaryPasswordIn } from '../smtp-peer.ts';
import { createTestStaff, totpCode, type TestStaff } from '../staff-fixtures.ts';
import { AxeAuditor, BrowserProblems, describeInBrowser, PHONE, screenshot, startBrowserAndPortal, VIEWPORT } from './browser.ts';
import type { PortalServer } from './portal-server.ts';

/**
 * Issue 8's proof, in Debian's chromium against the real portal over HTTP:
 * a staff administrator made by the real `portal staff create` follows the
 * invitation mail, sets a password, enrols TOTP from the secret on the page
 * and keeps the recovery codes; creates a customer (whose administrator gets
 * the credentials mail), adds contracts and sees the one ending soon in
 * Contratos, resends credentials, lifts a real sign-in throttle, imports a
 * CSV with a bad row (every problem listed, nothing written) and then good
 * ones; Auditoría shows each step with the staff member as actor. A
 * `lectura` member sees the pages without a single write form, and a forged
 * POST answers 403. The customer's administrator reads Actividad and ends
 * another session of theirs. axe on every page visited (at phone width too
 * for the lists), nothing the browser complains about, and the main flows
 * again with JavaScript off. Screenshots go to docs/screenshots/console-*.png.
 */

/** Every page the walk must have audited with axe (labels given to audit()). */
const MUST_AUDIT = [
  'invitación', 'invitación (con error)', 'configurar segundo factor', 'códigos de recuperación', 'inicio', 'clientes', 'clientes (filtrada)', 'clientes (sin resultados)',
  'nuevo cliente', 'nuevo cliente (con error)', 'cliente', 'agregar contrato', 'agregar contrato (con error)', 'contrato', 'contratos', 'cliente (ingreso bloqueado)',
  'eliminar usuario', 'agregar administrador', 'reemplazar administrador', 'importar', 'importar (con problemas)', 'importar (texto con problemas)', 'importar (resultado)',
  'correo', 'correo (uno)', 'auditoría', 'informes', 'personal', 'vista previa', 'vista previa (sistema)', 'vista previa (artículo)', 'vista previa (búsqueda)',
  'confirmar (paso adicional)', 'clientes (teléfono)', 'cliente (teléfono)', 'ingresar a la consola', 'verificar', 'cliente (lectura)', 'importar (403)',
  'actividad', 'sesiones',
];

// Each step is a few seconds; the margin is for a busy machine running the whole suite at once.
describeInBrowser('vendor console walkthrough in the browser', { timeout: 60_000 }, () => {
  let portal: PortalServer;
  let browser: Browser;
  let axe: AxeAuditor;
  /** The staff administrator's browser, from the invitation on. */
  let adminCtx: BrowserContext;
  /** The new customer's administrator's first browser. */
  let customerCtx: BrowserContext;

  const problems = new BrowserProblems();
  const url = (path: string) => portal.url + path;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const today = vendorToday(new Date());
  const rutOf = (body: string) => `${body}-${rutCheckDigit(body)}`;
  const staffAdmin = { email: 'marta.jefa@proveedor.cl', name: 'Marta Jefa', password: 'linterna roja sobre el muelle de angelmó', secret: '', recoveryCodes: [] as string[], lastStep: -1 };
  const customer = { rut: rutOf('76111222'), name: 'Distribuidora Cordillera SpA', id: '' };
  const custAdmin = { name: 'Valentina Rojas', email: 'valentina.rojas@cordillera.cl', temporary: '', password: 'volcán nevado al fondo del valle' };
  const imported = [
    { rut: rutOf('76333444'), name: 'Panadería La Espiga SpA', admin: 'Rosa Muñoz', email: 'rosa@laespiga.cl' },
    { rut: rutOf('76555666'), name: 'Librería Andes Ltda.', admin: 'Hugo Paz', email: 'hugo@libreriaandes.cl' },
  ];
  let lectura: TestStaff;
  const HELP_COMMENT = 'No explica cómo reabrir un período ya cerrado';
  // Without accents: the report shows a search as it was folded.
  const HELP_MISS = 'xilofono marciano';

  /** A browser context that gives up on a missing element after 10 s (a broken step fails fast, not at the test's timeout). */
  async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'es-CL', ...options });
    ctx.setDefaultTimeout(10_000);
    return ctx;
  }

  async function newPage(ctx: BrowserContext): Promise<Page> {
    return problems.watch(await ctx.newPage());
  }

  async function heading(page: Page): Promise<string> {
    return ((await page.locator('main h1').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  async function flash(page: Page): Promise<string> {
    return ((await page.locator('main .notice.success').first().textContent()) ?? '').trim();
  }

  const path = (page: Page) => new URL(page.url()).pathname;

  async function click(page: Page, role: 'button' | 'link', name: string | RegExp): Promise<void> {
    await page.getByRole(role, { name, exact: typeof name === 'string' }).first().click();
    await page.waitForLoadState();
  }

  async function nav(page: Page, section: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Consola' }).getByRole('link', { name: section, exact: true }).click();
    await page.waitForLoadState();
  }

  /**
   * The code the authenticator app shows, never for a time step already used
   * (the portal refuses a replay): the current step, or the next one (the
   * portal takes ±1) when the current is spent; past that, wait for the clock.
   */
  async function freshCode(who: { secret: string; lastStep: number }): Promise<string> {
    for (;;) {
      const now = Date.now();
      const step = Math.floor(now / 30_000);
      const use = Math.max(step, who.lastStep + 1);
      if (use <= step + 1) {
        who.lastStep = use;
        return totpCode(who.secret, new Date(use * 30_000));
      }
      await sleep((step + 1) * 30_000 - now + 100);
    }
  }

  async function staffSignIn(page: Page, email: string, password: string, code: () => Promise<string>, auditAs?: string): Promise<void> {
    await page.goto(url('/proveedor'));
    expect(path(page)).toBe('/proveedor/ingresar');
    if (auditAs) await axe.audit(auditAs, page);
    await page.getByLabel('Correo', { exact: true }).fill(email);
    await page.getByLabel('Clave', { exact: true }).fill(password);
    await click(page, 'button', 'Ingresar');
    expect(path(page)).toBe('/proveedor/verificar');
    if (auditAs) await axe.audit('verificar', page);
    await page.getByLabel('Código de verificación', { exact: true }).fill(await code());
    await click(page, 'button', 'Verificar');
    expect(path(page)).toBe('/proveedor');
  }

  async function customerSignIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(url('/ingresar'));
    await page.getByLabel('RUT de la empresa').fill(formatRut(customer.rut));
    await page.getByLabel('Correo', { exact: true }).fill(email);
    await page.getByLabel('Clave', { exact: true }).fill(password);
    await click(page, 'button', 'Ingresar');
  }

  /** The row of a table's body that mentions `text`. */
  const row = (page: Page, text: string) => page.locator('main tbody tr', { hasText: text });
  /** A user's row in the customer page's users table (its activity table mentions them too). */
  const userRow = (page: Page, email: string) => page.locator('main table', { has: page.locator('caption', { hasText: 'Usuarios de' }) }).locator('tbody tr', { hasText: email });

  async function auditEvents(page: Page): Promise<Array<{ action: string; who: string; customer: string; about: string }>> {
    return page.locator('main tbody tr').evaluateAll((rows) =>
      rows.map((r) => ({
        action: (r.querySelector('[data-label="Acción"]')?.textContent ?? '').trim(),
        who: (r.querySelector('[data-label="Quién"]')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
        customer: (r.querySelector('[data-label="Cliente"]')?.textContent ?? '').trim(),
        about: (r.querySelector('[data-label="Sobre"]')?.textContent ?? '').trim(),
      })),
    );
  }

  beforeAll(async () => {
    // No 750 ms answer delay per failed sign-in: step 4 fails on purpose to build a throttle, and the delay only slows it down.
    ({ browser, portal } = await startBrowserAndPortal({ env: { SIGN_IN_FAILURE_DELAY_MS: '0' } }));
    axe = await AxeAuditor.create(browser);
    adminCtx = await newContext();
    customerCtx = await newContext();
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
  });

  it('1. a staff admin made by `portal staff create` follows the mailed invitation, sets a password, enrols TOTP from the page and keeps the recovery codes', async () => {
    const out: string[] = [];
    const err: string[] = [];
    await COMMANDS['staff create']!.run(portal.runtime, { email: staffAdmin.email, name: staffAdmin.name, role: 'admin' }, (s) => out.push(s), {
      err: (s) => err.push(s), args: [], operator: cliOperator('e2e'),
    });
    expect(err).toEqual([]);
    expect(out.join('\n')).toContain(staffAdmin.email);

    const mail = await portal.smtp.waitFor(staffAdmin.email, /Invitación a la consola/);
    const invitation = linkPathIn(mail, '/proveedor/invitacion');
    expect(mail.text).toContain(`${portal.url}${invitation}`);
    const page = await newPage(adminCtx);
    await page.goto(url(invitation));
    expect(await heading(page)).toBe('Elija su clave para la consola');
    expect(await page.locator('dl.identity').textContent()).toContain(staffAdmin.email);
    await axe.audit('invitación', page);

    // Two passwords that differ: a clear message, nothing accepted.
    await page.getByLabel('Nueva clave', { exact: true }).fill(staffAdmin.password);
    await page.getByLabel('Repita la nueva clave', { exact: true }).fill('otra clave distinta de la primera');
    await click(page, 'button', 'Guardar clave');
    expect(await page.locator('#errores').isVisible()).toBe(true);
    await axe.audit('invitación (con error)', page);
    await page.getByLabel('Nueva clave', { exact: true }).fill(staffAdmin.password);
    await page.getByLabel('Repita la nueva clave', { exact: true }).fill(staffAdmin.password);
    await click(page, 'button', 'Guardar clave');

    expect(path(page)).toBe('/proveedor/mfa/configurar');
    expect(await heading(page)).toBe('Configurar la verificación en dos pasos');
    expect(await page.locator('.qr svg').count()).toBe(1);
    // The secret as the page shows it, in groups of four, typed into the "app".
    staffAdmin.secret = ((await page.locator('#clave-secreta').textContent()) ?? '').replace(/\s+/g, '');
    expect(staffAdmin.secret).toMatch(/^[A-Z2-7]{32}$/);
    await axe.audit('configurar segundo factor', page);
    await screenshot(page, 'console-mfa-enrol');
    await page.getByLabel('Código de 6 dígitos', { exact: true }).fill(await freshCode(staffAdmin));
    await click(page, 'button', 'Confirmar');

    expect(await heading(page)).toBe('Sus códigos de recuperación');
    staffAdmin.recoveryCodes = (await page.locator('ul.codes li').allTextContents()).map((s) => s.trim());
    expect(staffAdmin.recoveryCodes).toHaveLength(10);
    for (const code of staffAdmin.recoveryCodes) expect(code).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    await axe.audit('códigos de recuperación', page);
    await click(page, 'button', 'Ya los guardé, continuar');

    expect(path(page)).toBe('/proveedor');
    expect(await heading(page)).toBe('Consola del proveedor');
    const sections = (await page.getByRole('navigation', { name: 'Consola' }).locator('ul a').allTextContents()).map((s) => s.trim());
    expect(sections).toEqual(['Inicio', 'Clientes', 'Contratos', 'Ayuda', 'Importar', 'Correo', 'Auditoría', 'Informes', 'Webhooks', 'Personal', 'API']);
    expect(await page.locator('main').textContent()).toContain(staffAdmin.name);
    await axe.audit('inicio', page);
    await screenshot(page, 'console-home');
    await page.close();
    problems.expectNone();
  });

  it('2. Clientes: search, filters and an empty result; Nuevo cliente (with a mistake first) mails the credentials to its administrator', async () => {
    const page = await newPage(adminCtx);
    await page.goto(url('/proveedor'));
    await nav(page, 'Clientes');
    expect(await heading(page)).toBe('Clientes');
    expect(await page.locator('main tbody tr').count()).toBe(4);
    await axe.audit('clientes', page);
    await screenshot(page, 'console-customers');

    // The RUT typed without dots or dash finds the customer.
    await page.getByLabel('RUT o razón social').fill('771234569');
    await click(page, 'button', 'Buscar');
    expect(new URL(page.url()).searchParams.get('q')).toBe('771234569');
    expect((await page.locator('main tbody th[scope=row]').allTextContents()).map((s) => s.trim())).toEqual(['Ferretería El Roble Ltda.']);
    // Filters: contabilidad in force and some contract ending within 30 days (El Roble's contabilidad ends in 25, Los Aromos' remuneraciones in 20).
    await page.getByLabel('RUT o razón social').fill('');
    await page.getByLabel('Con contrato vigente de').selectOption('contabilidad');
    await page.getByLabel('Con un contrato que termina').selectOption('30');
    await click(page, 'button', 'Buscar');
    expect((await page.locator('main tbody th[scope=row]').allTextContents()).map((s) => s.trim()).sort()).toEqual(['Comercial Los Aromos SpA', 'Ferretería El Roble Ltda.']);
    // Transportes Australes has remuneraciones, but it ends in 55 days.
    await page.getByLabel('Con contrato vigente de').selectOption('remuneraciones');
    await click(page, 'button', 'Buscar');
    expect((await page.locator('main tbody th[scope=row]').allTextContents()).map((s) => s.trim())).toEqual(['Comercial Los Aromos SpA']);
    await axe.audit('clientes (filtrada)', page);
    await page.getByLabel('Con un contrato que termina').selectOption('');
    await page.getByLabel('Con contrato vigente de').selectOption('');
    await page.getByLabel('RUT o razón social').fill('nadie se llama así');
    await click(page, 'button', 'Buscar');
    expect(await page.getByRole('status').first().textContent()).toContain('Ningún cliente coincide con la búsqueda.');
    expect(await page.locator('main table').count()).toBe(0);
    await axe.audit('clientes (sin resultados)', page);

    await click(page, 'link', 'Quitar filtros');
    await click(page, 'link', 'Nuevo cliente');
    expect(path(page)).toBe('/proveedor/clientes/nuevo');
    await axe.audit('nuevo cliente', page);
    const wrongDigit = `${customer.rut.slice(0, -1)}${customer.rut.endsWith('0') ? '1' : '0'}`;
    await page.getByLabel('RUT', { exact: true }).fill(wrongDigit);
    await page.getByLabel('Razón social').fill(customer.name);
    await page.getByLabel('Nombre completo').fill(custAdmin.name);
    await page.getByLabel('Correo', { exact: true }).fill('no-es-un-correo');
    await click(page, 'button', 'Crear cliente y enviar credenciales');
    expect(path(page)).toBe('/proveedor/clientes/nuevo');
    const summary = (await page.locator('#errores').textContent()) ?? '';
    expect(summary).toMatch(/dígito verificador/i);
    expect(await page.locator('#errores a').count()).toBe(2);
    // What was typed stays, so only the mistakes need fixing.
    expect(await page.getByLabel('Razón social').inputValue()).toBe(customer.name);
    await axe.audit('nuevo cliente (con error)', page);

    await page.getByLabel('RUT', { exact: true }).fill(formatRut(customer.rut));
    await page.getByLabel('Correo', { exact: true }).fill(custAdmin.email);
    await click(page, 'button', 'Crear cliente y enviar credenciales');
    expect(path(page)).toMatch(/^\/proveedor\/clientes\/[\w-]+$/);
    customer.id = path(page).split('/').pop()!;
    expect(await heading(page)).toBe(customer.name);
    expect(await flash(page)).toBe(`Cliente ${formatRut(customer.rut)} creado. Enviamos las credenciales a su administrador.`);
    expect(await userRow(page, custAdmin.email).textContent()).toContain('Pendiente de primer ingreso');

    const mail = await portal.smtp.waitFor(custAdmin.email, /Sus credenciales de acceso/);
    expect(mail.text).toContain(formatRut(customer.rut));
    expect(mail.text).toContain(`${portal.url}/ingresar`);
    custAdmin.temporary = temporaryPasswordIn(mail);
    expect(await page.content()).not.toContain(custAdmin.temporary);
    await page.close();
    problems.expectNone();
  });

  it('3. contracts added on the customer page (one with a mistake first); the one ending within 30 days shows in Contratos', async () => {
    const page = await newPage(adminCtx);
    await page.goto(url(`/proveedor/clientes/${customer.id}`));
    await click(page, 'link', 'Agregar contrato');
    expect(await heading(page)).toBe(`Agregar contrato a ${customer.name}`);
    await axe.audit('agregar contrato', page);

    // An end before the start: refused, nothing added.
    await page.getByLabel('Sistema').selectOption('contabilidad');
    await page.getByLabel('Plan', { exact: true }).fill('Plan Pyme');
    await page.getByLabel('Desde').fill(today);
    await page.getByLabel('Hasta (opcional)').fill(addDays(today, -1));
    await click(page, 'button', 'Agregar contrato');
    expect(await page.locator('#errores').isVisible()).toBe(true);
    expect(await page.getByLabel('Sistema').inputValue()).toBe('contabilidad');
    await axe.audit('agregar contrato (con error)', page);
    // Ending in 12 days: "soon".
    await page.getByLabel('Hasta (opcional)').fill(addDays(today, 12));
    await click(page, 'button', 'Agregar contrato');
    expect(path(page)).toBe(`/proveedor/clientes/${customer.id}`);
    expect(await flash(page)).toBe('Contrato agregado.');

    await click(page, 'link', 'Agregar contrato');
    await page.getByLabel('Sistema').selectOption('remuneraciones');
    await page.getByLabel('Plan', { exact: true }).fill('Plan 50 trabajadores');
    await click(page, 'button', 'Agregar contrato');
    expect(await flash(page)).toBe('Contrato agregado.');
    const contracts = page.locator('table', { has: page.locator('caption', { hasText: `Contratos de ${customer.name}` }) });
    expect(await contracts.locator('tbody tr').count()).toBe(2);
    expect(await contracts.locator('tbody tr', { hasText: 'Contabilidad' }).textContent()).toContain('quedan 12 días');
    await axe.audit('cliente', page);
    await screenshot(page, 'console-customer', true);

    // The contract's own page: change the plan.
    await page.getByRole('link', { name: /^Terminar o cambiar plan \(Remuneraciones/ }).click();
    await page.waitForLoadState();
    expect(await heading(page)).toBe(`Contrato de Remuneraciones de ${customer.name}`);
    await axe.audit('contrato', page);
    await page.getByLabel('Nuevo plan').fill('Plan 100 trabajadores');
    await click(page, 'button', 'Cambiar el plan');
    expect(await flash(page)).toBe('Plan cambiado.');
    expect(await contracts.locator('tbody tr', { hasText: 'Remuneraciones' }).textContent()).toContain('Plan 100 trabajadores');

    await nav(page, 'Contratos');
    await click(page, 'link', 'Terminan en 30 días');
    expect(await page.getByRole('link', { name: 'Terminan en 30 días' }).getAttribute('aria-current')).toBe('page');
    const ending = row(page, customer.name);
    expect(await ending.count()).toBe(1);
    expect(await ending.textContent()).toContain('Contabilidad');
    expect(await ending.textContent()).toContain('12 días');
    expect(await row(page, 'Remuneraciones').filter({ hasText: customer.name }).count()).toBe(0);
    await axe.audit('contratos', page);
    await screenshot(page, 'console-contracts');
    await page.close();
    problems.expectNone();
  });

  it('4. credentials resent to the customer admin; a real sign-in throttle shows as blocked and is lifted, and the admin gets in at once', async () => {
    const page = await newPage(adminCtx);
    await page.goto(url(`/proveedor/clientes/${customer.id}`));
    await click(page, 'button', `Reenviar credenciales: ${custAdmin.email}`);
    expect(await flash(page)).toContain(`Enviamos nuevas credenciales a ${custAdmin.email}.`);
    const resent = await portal.smtp.waitFor(custAdmin.email, /Nuevas credenciales de acceso/);
    custAdmin.temporary = temporaryPasswordIn(resent);

    // The customer's administrator mistypes the password on the customer sign-in page until the account is held for a few seconds.
    const db = portal.runtime.deps.db;
    const account = accountId(customer.rut, custAdmin.email);
    const blockedFor = async () => {
      const rows = await db.selectFrom('throttles').select('blocked_until').where('account', '=', account).execute();
      return Math.max(0, ...rows.map((r) => (r.blocked_until ? Date.parse(r.blocked_until) - Date.now() : 0)));
    };
    const wrong = await newPage(customerCtx);
    for (let attempt = 1; attempt <= 12; attempt++) {
      await customerSignIn(wrong, custAdmin.email, 'no es la clave');
      expect(path(wrong)).toBe('/ingresar');
      expect(await wrong.locator('main').textContent()).toContain('No pudimos ingresar con esos datos');
      const left = await blockedFor();
      if (left >= 3_000) break;
      // Wait out the short delay so the next mistake counts (one made during a delay is refused without counting).
      await sleep(left + 50);
    }
    expect(await blockedFor()).toBeGreaterThanOrEqual(3_000);

    await page.reload();
    const user = userRow(page, custAdmin.email);
    expect(await user.textContent()).toContain('Ingreso bloqueado hasta');
    await axe.audit('cliente (ingreso bloqueado)', page);
    await click(page, 'button', `Quitar bloqueo de ingreso: ${custAdmin.email}`);
    expect(await flash(page)).toBe(`${custAdmin.email} puede volver a intentar ingresar ahora.`);
    expect(await userRow(page, custAdmin.email).textContent()).not.toContain('Ingreso bloqueado');
    expect(await blockedFor()).toBe(0);

    // At once, with the resent temporary password: the forced change, then the admin's home.
    await customerSignIn(wrong, custAdmin.email, custAdmin.temporary);
    expect(path(wrong)).toBe('/nueva-clave');
    await wrong.getByLabel('Clave Actual de Acceso', { exact: true }).fill(custAdmin.temporary);
    await wrong.getByLabel('Nueva Clave de Acceso', { exact: true }).fill(custAdmin.password);
    await wrong.getByLabel('Re-Ingrese Nueva Clave de Ingreso', { exact: true }).fill(custAdmin.password);
    await click(wrong, 'button', 'Modificar');
    expect(path(wrong)).toBe('/servicios');

    // Something for Informes (step 7): a "No" with a comment on an article, and a search without results.
    await wrong.goto(url('/ayuda/contabilidad'));
    await wrong.locator('main .article-list a').first().click();
    await wrong.waitForLoadState();
    await wrong.getByLabel('Comentario (opcional): qué faltó o qué no quedó claro').fill(HELP_COMMENT);
    await wrong.getByRole('button', { name: 'No', exact: true }).click();
    await wrong.waitForLoadState();
    await wrong.goto(url(`/ayuda/buscar?q=${encodeURIComponent(HELP_MISS)}`));
    expect(await wrong.locator('main').textContent()).toContain(HELP_MISS);
    await wrong.close();
    await page.close();
    problems.expectNone();
  });

  /** The import's result, once its page (reloading itself every 2 s while the run writes) says it is done. */
  async function importResult(page: Page): Promise<string> {
    const done = page.locator('main .notice.success[role=status]', { hasText: 'Se crearon' });
    await done.waitFor({ timeout: 20_000 });
    return (await done.textContent()) ?? '';
  }

  const csvHeader = 'rut,razon_social,admin_nombre,admin_correo,sistema,plan,desde,hasta';
  const [espiga, andes] = imported;
  const badRut = `${andes!.rut.slice(0, -1)}${andes!.rut.endsWith('0') ? '1' : '0'}`;
  const badCsv = () =>
    [csvHeader, `${formatRut(espiga!.rut)},${espiga!.name},${espiga!.admin},${espiga!.email},contabilidad,Plan Pyme,${today},`, `${badRut},${andes!.name},${andes!.admin},${andes!.email},sistema-inexistente,Plan X,31-02-2026,`].join('\r\n') + '\r\n';
  const goodCsv = () =>
    [
      csvHeader,
      `${formatRut(espiga!.rut)},${espiga!.name},${espiga!.admin},${espiga!.email},contabilidad,Plan Pyme,${today},`,
      `${formatRut(espiga!.rut)},${espiga!.name},,,remuneraciones,Plan 20 trabajadores,${today},${addDays(today, 365)}`,
      `${andes!.rut.replace('-', '')},${andes!.name},${andes!.admin},${andes!.email},factura-electronica,Plan Emisor,${today},`,
    ].join('\r\n') + '\r\n';

  it('5. Importar: a CSV with one bad row lists every problem and writes nothing (file and pasted text); a good one writes and mails the admins', async () => {
    const page = await newPage(adminCtx);
    await page.goto(url('/proveedor'));
    await nav(page, 'Importar');
    expect(await heading(page)).toBe('Importar clientes y contratos');
    await axe.audit('importar', page);

    await page.getByLabel('Archivo CSV').setInputFiles({ name: 'clientes-nuevos.csv', mimeType: 'text/csv', buffer: Buffer.from(badCsv(), 'utf8') });
    await page.getByRole('button', { name: 'Revisar e importar' }).first().click();
    await page.waitForLoadState();
    expect(await heading(page)).toBe('Importación de clientes-nuevos.csv');
    expect(await page.getByRole('alert').textContent()).toContain('El archivo tiene 3 problemas; no se escribió nada.');
    const listed = await page.locator('main tbody tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('th')?.textContent?.trim(), r.querySelector('[data-label="Columna"]')?.textContent?.trim()]));
    expect(listed).toEqual([['3', 'rut'], ['3', 'sistema'], ['3', 'desde']]);
    expect(await row(page, 'sistema-inexistente').textContent()).toContain('No existe el sistema');
    await axe.audit('importar (con problemas)', page);
    await screenshot(page, 'console-import-errors', true);

    // The textarea fallback: the same file pasted, the same answer.
    await click(page, 'link', 'Importar otro archivo');
    await page.getByLabel('Contenido del CSV, con su encabezado').fill(badCsv());
    await page.getByRole('button', { name: 'Revisar e importar' }).nth(1).click();
    await page.waitForLoadState();
    expect(await heading(page)).toBe('Importación de texto pegado');
    expect(await page.locator('main tbody tr').count()).toBe(3);
    await axe.audit('importar (texto con problemas)', page);

    // Nothing was written: not even the good row's customer.
    for (const c of imported) {
      await page.goto(url(`/proveedor/clientes?q=${encodeURIComponent(c.rut)}`));
      expect(await page.getByRole('status').first().textContent()).toContain('Ningún cliente coincide');
    }
    expect(portal.smtp.to(espiga!.email)).toEqual([]);

    await page.goto(url('/proveedor/importar'));
    await page.getByLabel('Archivo CSV').setInputFiles({ name: 'clientes-corregido.csv', mimeType: 'text/csv', buffer: Buffer.from(goodCsv(), 'utf8') });
    await page.getByRole('button', { name: 'Revisar e importar' }).first().click();
    await page.waitForLoadState();
    expect(path(page)).toMatch(/^\/proveedor\/importar\/[\w-]+$/);
    // Written in the background: the page shows the progress and reloads itself (a meta refresh) until done.
    if (await page.locator('main .notice:not(.success)[role=status]').count()) await axe.audit('importar (en curso)', page);
    expect(await importResult(page)).toContain('Se crearon 2 clientes y se agregaron 3 contratos. 2 administradores recibirán sus credenciales por correo.');
    await axe.audit('importar (resultado)', page);

    // The pasted form writes too: one more contract for a customer the file made.
    await page.goto(url('/proveedor/importar'));
    await page.getByLabel('Contenido del CSV, con su encabezado').fill(`${csvHeader}\n${espiga!.rut},${espiga!.name},,,inventario,Plan Bodega,${today},\n`);
    await page.getByRole('button', { name: 'Revisar e importar' }).nth(1).click();
    await page.waitForLoadState();
    expect(await importResult(page)).toContain('Se crearon 0 clientes y se agregaron 1 contratos.');

    for (const c of imported) {
      const mail = await portal.smtp.waitFor(c.email, /Sus credenciales de acceso/);
      expect(mail.text).toContain(formatRut(c.rut));
      temporaryPasswordIn(mail);
      await page.goto(url(`/proveedor/clientes?q=${encodeURIComponent(formatRut(c.rut))}`));
      expect((await page.locator('main tbody th[scope=row]').allTextContents()).map((s) => s.trim())).toEqual([c.name]);
    }
    expect(await row(page, andes!.name).locator('[data-label="Contratos vigentes"]').textContent()).toBe('1');
    await page.goto(url(`/proveedor/clientes?q=${encodeURIComponent(espiga!.name)}`));
    expect(await row(page, espiga!.name).locator('[data-label="Contratos vigentes"]').textContent()).toBe('3');
    await page.close();
    problems.expectNone();
  });

  it('6. Auditoría, filtered to the staff, shows each of those steps with the staff member as actor', async () => {
    const page = await newPage(adminCtx);
    await page.goto(url('/proveedor'));
    await nav(page, 'Auditoría');
    await page.getByLabel('Tipo de actor').selectOption('staff');
    await page.getByLabel('Actor (correo o nombre)').fill(staffAdmin.email);
    await click(page, 'button', 'Filtrar');
    expect(new URL(page.url()).searchParams.get('tipo')).toBe('staff');
    // Right filters: no error summary.
    expect(await page.locator('#errores').count()).toBe(0);
    const events = await auditEvents(page);
    const asStaff = `${staffAdmin.email} · Personal del proveedor`;
    for (const e of events) expect(e.who).toBe(asStaff);
    const seen = (action: string, about?: string) => events.some((e) => e.action === action && (about === undefined || e.about.includes(about) || e.customer.includes(about)));
    expect(seen('Invitación de personal aceptada')).toBe(true);
    expect(seen('Segundo factor configurado')).toBe(true);
    expect(seen('Cliente creado', customer.name)).toBe(true);
    expect(events.filter((e) => e.action === 'Contrato agregado').length).toBeGreaterThanOrEqual(2);
    expect(seen('Cambio de plan')).toBe(true);
    expect(seen('Credenciales reenviadas', custAdmin.email)).toBe(true);
    expect(seen('Bloqueo de ingreso levantado', custAdmin.email)).toBe(true);
    expect(events.filter((e) => e.action === 'Importación de clientes').length).toBe(2);
    for (const c of imported) expect(seen('Cliente creado', c.name)).toBe(true);
    await axe.audit('auditoría', page);
    await screenshot(page, 'console-audit');

    // The invitation itself was the CLI operator's.
    await page.getByLabel('Actor (correo o nombre)').fill('');
    await page.getByLabel('Tipo de actor').selectOption('cli');
    await click(page, 'button', 'Filtrar');
    const byCli = await auditEvents(page);
    expect(byCli.some((e) => e.action === 'Personal invitado' && e.about.includes(staffAdmin.email) && e.who.includes('e2e'))).toBe(true);
    await page.close();
    problems.expectNone();
  });

  it('7. the other console pages: user and administrator forms, Correo, Informes, Personal, Ver como cliente, a step-up; Clientes and the customer at phone width', async () => {
    const page = await newPage(adminCtx);
    await page.goto(url(`/proveedor/clientes/${customer.id}`));
    await page.getByRole('link', { name: `Eliminar: ${custAdmin.email}` }).click();
    await page.waitForLoadState();
    expect(await heading(page)).toBe(`¿Eliminar a ${custAdmin.name}?`);
    await axe.audit('eliminar usuario', page);
    await click(page, 'link', 'Cancelar');
    await click(page, 'link', 'Agregar administrador');
    expect(await heading(page)).toBe(`Agregar administrador de ${customer.name}`);
    await axe.audit('agregar administrador', page);
    await click(page, 'link', 'Cancelar');
    await click(page, 'link', 'Reemplazar administrador');
    expect(await heading(page)).toBe(`Reemplazar administrador de ${customer.name}`);
    await axe.audit('reemplazar administrador', page);
    await click(page, 'link', 'Cancelar');

    // Ver como cliente: home, a system, an article, a search.
    await click(page, 'link', 'Ver como cliente');
    expect(path(page)).toBe(`/proveedor/clientes/${customer.id}/vista-previa`);
    expect(await page.getByRole('note').textContent()).toContain('sólo lectura');
    expect((await page.locator('ul.cards a').allTextContents()).map((s) => s.trim()).sort()).toEqual(['Contabilidad', 'Remuneraciones']);
    expect(await page.locator('main form[method=post]').count()).toBe(0);
    await axe.audit('vista previa', page);
    await screenshot(page, 'console-preview');
    await page.locator('ul.cards a', { hasText: 'Contabilidad' }).click();
    await page.waitForLoadState();
    expect(path(page)).toBe(`/proveedor/clientes/${customer.id}/vista-previa/contabilidad`);
    await axe.audit('vista previa (sistema)', page);
    await page.locator('main .article-list a').first().click();
    await page.waitForLoadState();
    expect(path(page)).toMatch(new RegExp(`^/proveedor/clientes/${customer.id}/vista-previa/contabilidad/[\\w-]+$`));
    expect(await page.locator('main form[method=post]').count()).toBe(0);
    await axe.audit('vista previa (artículo)', page);
    await page.getByLabel('Buscar en la ayuda').fill('clave');
    await click(page, 'button', 'Buscar');
    expect(path(page)).toBe(`/proveedor/clientes/${customer.id}/vista-previa/buscar`);
    await axe.audit('vista previa (búsqueda)', page);

    await nav(page, 'Correo');
    expect(await heading(page)).toBe('Correo');
    expect(await page.locator('#errores').count()).toBe(0);
    await axe.audit('correo', page);
    await page.locator('main tbody tr', { hasText: custAdmin.email }).filter({ hasText: 'Nuevas credenciales' }).getByRole('link').click();
    await page.waitForLoadState();
    expect(await page.locator('pre.mail-body').textContent()).toContain('oculto');
    expect(await page.locator('pre.mail-body').textContent()).not.toContain(custAdmin.temporary);
    await axe.audit('correo (uno)', page);

    await nav(page, 'Informes');
    expect(await heading(page)).toBe('Informes de la ayuda');
    const report = (await page.locator('main').textContent()) ?? '';
    expect(report).toContain(HELP_COMMENT);
    expect(report).toContain(HELP_MISS);
    await axe.audit('informes', page);
    await screenshot(page, 'console-reports', true);

    await nav(page, 'Personal');
    expect(await row(page, staffAdmin.email).count()).toBe(1);
    await axe.audit('personal', page);
    await screenshot(page, 'console-personal');

    // A sensitive action with a second factor over 10 minutes old asks for a new one; a stored recovery code does, and the action completes.
    const db = portal.runtime.deps.db;
    const staffId = (await db.selectFrom('staff').select('id').where('email', '=', staffAdmin.email).executeTakeFirstOrThrow()).id;
    await db.updateTable('staff_sessions').set({ second_factor_at: new Date(Date.now() - 11 * 60_000).toISOString() }).where('staff_id', '=', staffId).execute();
    const espiga = await db.selectFrom('customers').select('id').where('rut', '=', imported[0]!.rut).executeTakeFirstOrThrow();
    await page.goto(url(`/proveedor/clientes/${espiga.id}`));
    await click(page, 'button', 'Deshabilitar cliente');
    expect(await heading(page)).toBe('Confirme que es usted');
    expect(await db.selectFrom('customers').select('disabled_at').where('id', '=', espiga.id).executeTakeFirstOrThrow()).toEqual({ disabled_at: null });
    await axe.audit('confirmar (paso adicional)', page);
    await page.getByLabel('Código de verificación', { exact: true }).fill(staffAdmin.recoveryCodes[0]!);
    await click(page, 'button', 'Confirmar y continuar');
    expect(path(page)).toBe(`/proveedor/clientes/${espiga.id}`);
    expect(await flash(page)).toBe(`${imported[0]!.name} quedó deshabilitado y sus sesiones se cerraron.`);

    // At phone width: nothing wider than the screen but the tables' own scroll.
    const phone = await newContext({ viewport: PHONE, isMobile: true, hasTouch: true, storageState: await adminCtx.storageState() });
    const mobile = await newPage(phone);
    for (const [label, at, shot] of [['clientes (teléfono)', '/proveedor/clientes', 'console-customers-phone'], ['cliente (teléfono)', `/proveedor/clientes/${customer.id}`, 'console-customer-phone']] as const) {
      await mobile.goto(url(at));
      expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await axe.audit(label, mobile, PHONE);
      await screenshot(mobile, shot, true);
    }
    await phone.close();
    await page.close();
    problems.expectNone();
  });

  it('8. a lectura member signs in with password and TOTP, sees the pages but no write button or form, and a forged POST answers 403 with nothing written', async () => {
    lectura = await createTestStaff(portal.runtime.deps, 'lectura', { email: 'lucia.lectura@proveedor.cl', name: 'Lucía Lectura' });
    const ctx = await newContext();
    const page = await newPage(ctx);
    const reader = { secret: lectura.totpSecret!, lastStep: -1 };
    await staffSignIn(page, lectura.email, lectura.password, () => freshCode(reader), 'ingresar a la consola');
    const sections = (await page.getByRole('navigation', { name: 'Consola' }).locator('ul a').allTextContents()).map((s) => s.trim());
    expect(sections).toEqual(['Inicio', 'Clientes', 'Contratos', 'Ayuda', 'Correo', 'Auditoría', 'Informes', 'Webhooks', 'API']);

    const writeForms = () => page.locator('main form[method=post]').count();
    await nav(page, 'Clientes');
    expect(await page.getByRole('link', { name: 'Nuevo cliente' }).count()).toBe(0);
    await page.locator('main tbody a', { hasText: customer.name }).click();
    await page.waitForLoadState();
    expect(await heading(page)).toBe(customer.name);
    expect(await writeForms()).toBe(0);
    expect(await page.locator('main').getByRole('button').count()).toBe(0);
    for (const name of ['Agregar contrato', 'Agregar administrador', 'Reemplazar administrador', 'Ver como cliente']) expect(await page.getByRole('link', { name }).count(), name).toBe(0);
    await axe.audit('cliente (lectura)', page);
    for (const at of ['/proveedor/contratos', '/proveedor/auditoria', '/proveedor/informes', '/proveedor/correo']) {
      expect((await page.goto(url(at)))?.status(), at).toBe(200);
      expect(await writeForms(), at).toBe(0);
    }
    const mail = await page.locator('main tbody a').first().getAttribute('href');
    await page.goto(url(mail!));
    expect(await writeForms()).toBe(0);
    expect((await page.goto(url('/proveedor/importar')))?.status()).toBe(403);
    await axe.audit('importar (403)', page);
    expect((await page.goto(url(`/proveedor/clientes/${customer.id}/contratos/nuevo`)))?.status()).toBe(403);

    // Forged POSTs with a valid CSRF token from this browser's own cookie: the role is refused, nothing written.
    const csrf = (await ctx.cookies(portal.url)).find((c) => c.name === 'staff_csrf')?.value;
    expect(csrf).toMatch(/^[\w-]{43}$/);
    const db = portal.runtime.deps.db;
    const contractsBefore = await db.selectFrom('contracts').select('id').where('customer_id', '=', customer.id).execute();
    const forged = rutOf('76777888');
    const create = await page.request.post(url('/proveedor/clientes/nuevo'), { form: { _csrf: csrf!, rut: forged, name: 'Cliente Falso SpA', adminName: 'Nadie', adminEmail: 'nadie@falso.cl' }, maxRedirects: 0 });
    expect(create.status()).toBe(403);
    const contract = await page.request.post(url(`/proveedor/clientes/${customer.id}/contratos/nuevo`), { form: { _csrf: csrf!, system: 'inventario', plan: 'Plan Falso', startsOn: today, endsOn: '' }, maxRedirects: 0 });
    expect(contract.status()).toBe(403);
    const user = await db.selectFrom('users').select('id').where('email', '=', custAdmin.email).executeTakeFirstOrThrow();
    const resend = await page.request.post(url(`/proveedor/clientes/${customer.id}/usuarios/${user.id}/reenviar`), { form: { _csrf: csrf! }, maxRedirects: 0 });
    expect(resend.status()).toBe(403);
    expect(await db.selectFrom('customers').select('id').where('rut', '=', forged).execute()).toEqual([]);
    expect(await db.selectFrom('contracts').select('id').where('customer_id', '=', customer.id).execute()).toHaveLength(contractsBefore.length);
    expect(portal.smtp.to('nadie@falso.cl')).toEqual([]);
    await ctx.close();
    problems.expectNone();
  });

  it('9. the customer admin reads Actividad and, signed in in a second browser too, ends that session there: the second browser is signed out', async () => {
    // The first browser is still signed in from step 4 (the new password); a second one signs in now.
    const first = await newPage(customerCtx);
    await first.goto(url('/servicios'));
    expect(path(first)).toBe('/servicios');
    const otherCtx = await newContext();
    const other = await newPage(otherCtx);
    await customerSignIn(other, custAdmin.email, custAdmin.password);
    expect(path(other)).toBe('/servicios');

    await first.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Actividad' }).click();
    await first.waitForLoadState();
    expect(await heading(first)).toBe('Actividad');
    expect(await first.locator('#errores').count()).toBe(0);
    const events = await auditEvents(first);
    expect(events.some((e) => e.action === 'Ingreso fallido')).toBe(true);
    expect(events.some((e) => e.action === 'Bloqueo de ingreso levantado' && e.who === 'Proveedor')).toBe(true);
    expect(events.some((e) => e.action === 'Credenciales reenviadas' && e.who === 'Proveedor')).toBe(true);
    expect(events.some((e) => e.action === 'Cambio de clave')).toBe(true);
    // The vendor's people are «Proveedor» here, never a name or an address.
    expect(await first.locator('main').textContent()).not.toContain(staffAdmin.email);
    await axe.audit('actividad', first);
    await screenshot(first, 'customer-activity');

    await first.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Mi cuenta' }).click();
    await first.waitForLoadState();
    expect(await first.locator('main').textContent()).toContain('Tiene 1 sesión abierta en otro equipo o navegador.');
    await click(first, 'link', 'Ver sus sesiones abiertas');
    expect(path(first)).toBe('/cuenta/sesiones');
    expect(await heading(first)).toBe('Sesiones');
    expect(await first.locator('main tbody tr').count()).toBe(2);
    expect(await first.locator('main tbody tr', { hasText: 'Esta sesión' }).count()).toBe(1);
    await axe.audit('sesiones', first);
    await screenshot(first, 'customer-sessions');
    await first.getByRole('button', { name: /^Cerrar la sesión de/ }).click();
    await first.waitForLoadState();
    expect(await flash(first)).toBe('La sesión quedó cerrada: ese equipo tendrá que ingresar otra vez.');
    expect(await first.locator('main tbody tr').count()).toBe(1);
    expect(await first.locator('main').textContent()).toContain('No tiene otras sesiones abiertas.');

    await other.goto(url('/servicios'));
    expect(path(other)).toBe('/ingresar');
    await first.goto(url('/servicios'));
    expect(path(first)).toBe('/servicios');
    await otherCtx.close();
    problems.expectNone();
  });

  it('10. with JavaScript off: sign in with password and TOTP, search customers, add a contract, see it in Auditoría', async () => {
    const ctx = await newContext({ javaScriptEnabled: false });
    const page = await newPage(ctx);
    await staffSignIn(page, staffAdmin.email, staffAdmin.password, () => freshCode(staffAdmin));
    expect(await page.locator('script').count()).toBe(0);

    await nav(page, 'Clientes');
    await page.getByLabel('RUT o razón social').fill('cordillera');
    await click(page, 'button', 'Buscar');
    expect((await page.locator('main tbody th[scope=row]').allTextContents()).map((s) => s.trim())).toEqual([customer.name]);
    await page.locator('main tbody a', { hasText: customer.name }).click();
    await page.waitForLoadState();
    await click(page, 'link', 'Agregar contrato');
    await page.getByLabel('Sistema').selectOption('factura-electronica');
    await page.getByLabel('Plan', { exact: true }).fill('Plan Emisor');
    await click(page, 'button', 'Agregar contrato');
    expect(await flash(page)).toBe('Contrato agregado.');
    expect(await page.locator('main table', { has: page.locator('caption', { hasText: 'Contratos de' }) }).locator('tbody tr').count()).toBe(3);

    await nav(page, 'Auditoría');
    await page.getByLabel('Tipo de actor').selectOption('staff');
    await page.getByLabel('Acción').selectOption('contract.added');
    await click(page, 'button', 'Filtrar');
    const events = await auditEvents(page);
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events[0]).toMatchObject({ action: 'Contrato agregado', who: `${staffAdmin.email} · Personal del proveedor` });
    expect(await page.locator('script').count()).toBe(0);
    await ctx.close();
    problems.expectNone();
  });

  it('11. axe finds no violation on any console page visited', async () => {
    await axe.expectNoViolations(portal.url, MUST_AUDIT);
  });
});
