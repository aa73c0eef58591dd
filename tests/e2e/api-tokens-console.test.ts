import { expect, it } from 'vitest';
import { createApiToken } from '../../src/api/tokens/create-api-token.ts';
import { cliOperator } from '../../src/auth/principal.ts';
import { signedInStaff } from '../staff-fixtures.ts';
import { useAxePortal } from './axe-portal.ts';
import { BrowserProblems, describeInBrowser, screenshot } from './browser.ts';
import { expectAccessibleAtBothWidths } from './expect-accessible-at-both-widths.ts';

/**
 * Tokens de la API in Debian's chromium over real HTTP: axe at desktop and
 * phone width on every page of it (list, form, form with errors, the token
 * shown once, the revocation's confirmation, the read-only list), and the
 * whole life of a token walked with JavaScript off: create it from the
 * form, call the API with what the page showed, revoke it, refused.
 */
describeInBrowser('API tokens in the console', { timeout: 90_000 }, () => {
  const env = useAxePortal({ withHelp: false });

  it('finds no violation on any of its pages, at both widths', async () => {
    const { portal, axe } = env;
    const rt = portal.rt;
    await createApiToken(rt.deps, cliOperator('e2e'), { name: 'CRM comercial con un nombre bastante largo para el teléfono', scopes: ['customers:read', 'customers:write', 'contracts:write', 'users:write', 'audit:read'], expiresInDays: 30 });
    const revoked = await createApiToken(rt.deps, cliOperator('e2e'), { name: 'Antiguo', scopes: ['audit:read'], expiresInDays: 30 });
    await rt.deps.db.updateTable('api_tokens').set({ revoked_at: rt.clock.now().toISOString(), revoked_by_label: 'operador (e2e)', last_used_at: rt.clock.now().toISOString(), last_used_ip: '2001:db8::1234:5678' }).where('id', '=', revoked.id).execute();
    const { client: admin } = await signedInStaff(rt, 'admin');
    const { client: reader } = await signedInStaff(rt, 'lectura');
    const active = await createApiToken(rt.deps, cliOperator('e2e'), { name: 'Facturación', scopes: ['contracts:write'], expiresInDays: 90 });
    await expectAccessibleAtBothWidths(axe, portal.base, [
      ['tokens', '/proveedor/api', await admin.get('/proveedor/api')],
      ['tokens (lectura)', '/proveedor/api', await reader.get('/proveedor/api')],
      ['nuevo token', '/proveedor/api/nuevo', await admin.get('/proveedor/api/nuevo')],
      ['nuevo token (con errores)', '/proveedor/api/nuevo', await admin.post('/proveedor/api/nuevo', { name: '', expiresInDays: '900' })],
      ['token creado', '/proveedor/api/nuevo', await admin.post('/proveedor/api/nuevo', { name: 'Sistema de facturación', scopes: 'customers:read', expiresInDays: '30' })],
      ['revocar', `/proveedor/api/${active.id}/revocar`, await admin.get(`/proveedor/api/${active.id}/revocar`)],
    ]);
  });

  it('creates, uses and revokes a token with JavaScript off', async () => {
    const { portal, browser } = env;
    const { client } = await signedInStaff(portal.rt, 'admin');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-CL', javaScriptEnabled: false });
    await context.addCookies([{ name: 'staff', value: client.cookies.get('staff')!, url: portal.base }]);
    const page = await context.newPage();
    const problems = new BrowserProblems();
    problems.watch(page);
    page.setDefaultTimeout(10_000);

    await page.goto(`${portal.base}/proveedor`);
    await page.getByRole('navigation', { name: 'Consola' }).getByRole('link', { name: 'API', exact: true }).click();
    await page.getByRole('link', { name: 'Nuevo token' }).click();
    await page.getByRole('button', { name: 'Crear token' }).click();
    expect(await page.locator('#errores').textContent()).toContain('Elija al menos un permiso.');

    await page.getByLabel('Nombre').fill('Integración de prueba');
    await page.getByLabel(/customers:read/).check();
    await page.getByLabel(/audit:read/).check();
    await page.getByLabel('Vigencia (días)').fill('7');
    await page.getByRole('button', { name: 'Crear token' }).click();
    expect(await page.locator('main h1').textContent()).toBe('Token «Integración de prueba» creado');
    const token = (await page.locator('#token').inputValue()).trim();
    expect(token).toMatch(/^mpt_[0-9a-f]{8}\.[A-Za-z0-9_-]{43}$/);
    expect(page.url()).not.toContain(token);
    await screenshot(page, 'console-api-token-created');

    const api = (t: string) => fetch(`${portal.base}/api/v1/systems`, { headers: { authorization: `Bearer ${t}` } });
    expect((await api(token)).status).toBe(200);

    await page.getByRole('link', { name: 'Ya lo copié: volver a los tokens' }).click();
    expect(await page.content()).not.toContain(token);
    await page.getByRole('link', { name: `Revocar: Integración de prueba (${token.slice(0, 12)})` }).click();
    await page.getByRole('button', { name: 'Revocar el token' }).click();
    expect(await page.locator('main .notice.success').first().textContent()).toContain('quedó revocado');
    await screenshot(page, 'console-api-tokens');
    expect((await api(token)).status).toBe(401);
    problems.expectNone();
    await context.close();
  });
});
