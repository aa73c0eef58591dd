import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliOperator } from '../../src/auth/principal.ts';
import { createCustomer } from '../../src/customers/create-customer.ts';
import { newRut } from '../factories.ts';
import { createTestStaff, totpCode, type TestStaff } from '../staff-fixtures.ts';
import { WebhookReceiver } from '../webhook-receiver.ts';
import { AxeAuditor, BrowserProblems, describeInBrowser, PHONE, screenshot, startBrowserAndPortal, VIEWPORT } from './browser.ts';
import type { PortalServer } from './portal-server.ts';

/**
 * The console's webhook pages in Debian's chromium, against the real portal
 * over HTTP, with JavaScript off (the pages are forms and links): a staff
 * administrator registers a receiver running in this test process (after a
 * form with every mistake), shows its secret and configures the receiver
 * with it; a customer created in the portal reaches the receiver signed and
 * shows up delivered in the log; "Enviar otra vez" sends the same webhook-id
 * again; a failing receiver shows up as reintentando; the endpoint is edited,
 * paused, its secret rotated and it is deleted. axe on every page (the list,
 * the log, an endpoint and a delivery at phone width too, where none scrolls
 * sideways), and nothing the browser complains about.
 */

const MUST_AUDIT = [
  'webhooks (vacío)', 'registrar webhook', 'registrar webhook (con errores)', 'webhook', 'secreto', 'webhooks', 'webhooks (teléfono)', 'envíos',
  'envíos (teléfono)', 'envíos (filtrados)', 'envíos (error)', 'envío', 'envío (reintentando)', 'modificar webhook', 'modificar webhook (con errores)',
  'webhook (pausado)', 'eliminar webhook', 'cambiar secreto', 'secreto (nuevo)', 'webhook (teléfono)', 'envío (teléfono)',
];

describeInBrowser('webhook pages of the console', { timeout: 150_000 }, () => {
  let portal: PortalServer;
  let browser: Browser;
  let axe: AxeAuditor;
  let ctx: BrowserContext;
  let page: Page;
  let admin: TestStaff;
  let lastStep = -1;
  const receiver = new WebhookReceiver(() => new Date());
  const problems = new BrowserProblems();
  const url = (p: string) => portal.url + p;
  const path = () => new URL(page.url()).pathname;
  const heading = async () => ((await page.locator('main h1').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const flash = async () => ((await page.locator('main .notice.success').first().textContent()) ?? '').trim();

  /** axe at phone width too, and the page does not scroll sideways there (a long URL, the payload). */
  async function auditAtPhone(label: string): Promise<void> {
    await axe.audit(label, page, PHONE);
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${label}: sideways scroll at 390 px`).toBeLessThanOrEqual(PHONE.width);
    await page.setViewportSize(VIEWPORT);
  }

  async function click(role: 'button' | 'link', name: string | RegExp): Promise<void> {
    await page.getByRole(role, { name, exact: typeof name === 'string' }).first().click();
    await page.waitForLoadState();
  }

  /** A code for a time step not used yet (the portal refuses a replay). */
  async function freshCode(): Promise<string> {
    for (;;) {
      const now = Date.now();
      const step = Math.floor(now / 30_000);
      const use = Math.max(step, lastStep + 1);
      if (use <= step + 1) {
        lastStep = use;
        return totpCode(admin.totpSecret!, new Date(use * 30_000));
      }
      await new Promise((r) => setTimeout(r, (step + 1) * 30_000 - now + 100));
    }
  }

  beforeAll(async () => {
    ({ browser, portal } = await startBrowserAndPortal({ env: { WEBHOOK_ALLOW_LOCALHOST: 'true' } }));
    axe = await AxeAuditor.create(browser);
    await receiver.start();
    admin = await createTestStaff(portal.runtime.deps, 'admin', { email: 'ines.webhooks@proveedor.cl', name: 'Inés Webhooks' });
    ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'es-CL', javaScriptEnabled: false });
    ctx.setDefaultTimeout(10_000);
    page = problems.watch(await ctx.newPage());
  }, 90_000);

  afterAll(async () => {
    await ctx?.close();
    await browser?.close();
    await receiver.stop();
    await portal?.close();
  });

  it('registers a receiver, delivers a signed event to it, sends it again, and takes the endpoint apart', async () => {
    await page.goto(url('/proveedor'));
    await page.getByLabel('Correo', { exact: true }).fill(admin.email);
    await page.getByLabel('Clave', { exact: true }).fill(admin.password);
    await click('button', 'Ingresar');
    await page.getByLabel('Código de verificación', { exact: true }).fill(await freshCode());
    await click('button', 'Verificar');
    expect(path()).toBe('/proveedor');

    await page.getByRole('navigation', { name: 'Consola' }).getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.waitForLoadState();
    expect(await heading()).toBe('Webhooks');
    expect(await page.locator('main').textContent()).toContain('Todavía no hay webhooks registrados.');
    await axe.audit('webhooks (vacío)', page);

    await click('link', 'Registrar webhook');
    await axe.audit('registrar webhook', page);
    await page.getByLabel('Dirección (URL)').fill('http://erp.ejemplo.cl/hooks');
    await click('button', 'Registrar webhook');
    const summary = await page.locator('#errores').textContent();
    expect(summary).toContain('La URL debe empezar con https://');
    expect(summary).toContain('Escriba para qué es este webhook');
    expect(summary).toContain('Marque al menos un evento.');
    await axe.audit('registrar webhook (con errores)', page);

    await page.getByLabel('Dirección (URL)').fill(receiver.url);
    await page.getByLabel('Descripción').fill('ERP de pruebas');
    await page.getByLabel(/^Cliente creado/).check();
    await page.getByLabel(/^Usuario creado/).check();
    await click('button', 'Registrar webhook');
    expect(await heading()).toContain('ERP de pruebas');
    expect(await flash()).toContain('Webhook registrado');
    const endpointPath = path();
    await axe.audit('webhook', page);
    await auditAtPhone('webhook (teléfono)');

    await click('button', 'Mostrar secreto');
    const secret = ((await page.locator('#secreto').textContent()) ?? '').trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    await axe.audit('secreto', page);
    // The vendor's receiver is configured with what the console showed.
    Object.assign(receiver, { secret });

    const { deps } = portal.runtime;
    const made = await createCustomer(deps, cliOperator('prueba'), { rut: newRut(), name: 'Ferretería Los Aromos SpA', adminName: 'Tomás Aromo', adminEmail: 'tomas@aromos.cl' });
    await portal.runtime.webhooks.runOnce();
    expect(receiver.badSignatures).toBe(0);
    const created = receiver.received.filter((r) => r.type === 'customer.created');
    expect(created).toHaveLength(1);
    expect(JSON.parse(created[0]!.body).data.customer.id).toBe(made.customerId);

    await page.goto(url('/proveedor/webhooks'));
    const row = page.locator('main tbody tr', { hasText: receiver.url });
    expect(await row.textContent()).toContain('Entregado');
    await axe.audit('webhooks', page);
    await screenshot(page, 'console-webhooks');
    await auditAtPhone('webhooks (teléfono)');

    await click('link', 'Ver todos los envíos');
    expect(await heading()).toBe('Envíos de webhooks');
    await axe.audit('envíos', page);
    await auditAtPhone('envíos (teléfono)');
    await page.getByLabel('Estado').selectOption('entregado');
    await click('button', 'Filtrar');
    expect(await page.locator('main tbody tr').count()).toBeGreaterThanOrEqual(1);
    await axe.audit('envíos (filtrados)', page);
    await page.goto(url('/proveedor/webhooks/envios?estado=perdido'));
    expect(await page.locator('#errores').textContent()).toContain('Elija un estado de la lista.');
    await axe.audit('envíos (error)', page);

    await page.goto(url('/proveedor/webhooks/envios?estado=entregado'));
    await page.locator('main tbody a', { hasText: 'customer.created' }).first().click();
    await page.waitForLoadState();
    const deliveryPath = path();
    expect(await page.locator('main').textContent()).toContain(created[0]!.id);
    expect(await page.locator('main').textContent()).toContain('HTTP 204');
    expect(await page.locator('main pre').textContent()).toContain('Ferretería Los Aromos SpA');
    await axe.audit('envío', page);
    await screenshot(page, 'console-webhook-delivery');
    await auditAtPhone('envío (teléfono)');

    await click('button', 'Enviar otra vez');
    expect(path()).toBe(deliveryPath);
    expect(await flash()).toContain('quedó para enviarse ahora');
    await portal.runtime.webhooks.runOnce();
    // The same event again, the same webhook-id: the receiver can tell it is a copy.
    expect(receiver.received.filter((r) => r.type === 'customer.created').map((r) => r.id)).toEqual([created[0]!.id, created[0]!.id]);
    await page.reload();
    expect(await page.locator('main h2', { hasText: 'Intentos' }).textContent()).toContain('Intentos (2)');

    // A receiver that fails: the delivery waits for a retry, and the list says the last try failed.
    receiver.answer = () => 503;
    await createCustomer(deps, cliOperator('prueba'), { rut: newRut(), name: 'Botillería El Roble Ltda.', adminName: 'Rosa Roble', adminEmail: 'rosa@roble.cl' });
    await portal.runtime.webhooks.runOnce();
    await page.goto(url('/proveedor/webhooks/envios?estado=reintentando'));
    await page.locator('main tbody a', { hasText: 'customer.created' }).first().click();
    await page.waitForLoadState();
    expect(await page.locator('main').textContent()).toContain('HTTP 503');
    await axe.audit('envío (reintentando)', page);
    await page.goto(url('/proveedor/webhooks'));
    expect(await page.locator('main tbody tr', { hasText: receiver.url }).textContent()).toContain('Falló');
    receiver.answer = () => 204;

    await page.goto(url(endpointPath));
    await click('link', 'Modificar');
    await axe.audit('modificar webhook', page);
    await page.getByLabel('Descripción').fill('');
    await page.getByLabel(/^Cliente creado/).uncheck();
    await page.getByLabel(/^Usuario creado/).uncheck();
    await click('button', 'Guardar cambios');
    expect(await page.locator('#errores').textContent()).toContain('Marque al menos un evento.');
    await axe.audit('modificar webhook (con errores)', page);
    await page.getByLabel('Descripción').fill('ERP de pruebas (nuevo)');
    await page.getByLabel(/^Contrato terminado/).check();
    await click('button', 'Guardar cambios');
    expect(path()).toBe(endpointPath);
    expect(await flash()).toContain('Webhook modificado');

    await click('button', 'Pausar');
    expect(await flash()).toContain('Webhook pausado');
    await axe.audit('webhook (pausado)', page);

    await click('link', 'Cambiar secreto…');
    await axe.audit('cambiar secreto', page);
    await click('button', 'Cambiar secreto');
    const rotated = ((await page.locator('#secreto').textContent()) ?? '').trim();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await axe.audit('secreto (nuevo)', page);

    await page.goto(url(endpointPath));
    await click('link', 'Eliminar…');
    expect(await heading()).toBe('¿Eliminar este webhook?');
    await axe.audit('eliminar webhook', page);
    await click('button', 'Eliminar webhook');
    expect(path()).toBe('/proveedor/webhooks');
    expect(await flash()).toContain('Webhook eliminado');
    expect(await page.locator('main').textContent()).toContain('Todavía no hay webhooks registrados.');

    problems.expectNone();
    await axe.expectNoViolations(portal.url, MUST_AUDIT);
  });
});
