import { expect, it } from 'vitest';
import { cliOperator } from '../../src/auth/principal.ts';
import { inviteStaff } from '../../src/staff/invite-staff.ts';
import { TestClient } from '../client.ts';
import { consoleClient, invitationPathFor, secretOnPage } from '../staff-auth-helpers.ts';
import { totpCode } from '../staff-fixtures.ts';
import { useAxePortal } from './axe-portal.ts';
import { describeInBrowser, formatFindings } from './browser.ts';

/**
 * axe-core on every page of the console's sign-in flows, in their normal and
 * error states: the HTML comes from the portal (a test runtime over real
 * HTTP, so the stylesheets load and contrast is measured on them).
 */
describeInBrowser('staff sign-in pages are accessible', { timeout: 60_000 }, () => {
  const env = useAxePortal({ withHelp: false }, 60_000);
  const PASSWORD = 'farol azul en la caleta de los pescadores';

  async function audit(label: string, path: string, res: Response) {
    const html = await res.clone().text();
    const findings = await env.axe.run(`${env.portal.base}${path}`, html);
    return findings.map((f) => ({ page: label, ...f }));
  }

  it('finds no violation on sign-in, invitation, enrolment, recovery codes, verification and 410 pages', async () => {
    const rt = env.portal.rt;
    const all = [];
    const email = 'axe@proveedor.cl';
    await inviteStaff(rt.deps, cliOperator('prueba'), { email, name: 'Ana Axe', role: 'admin' });
    const invitation = await invitationPathFor(rt, email);
    const c: TestClient = consoleClient(rt);

    all.push(...(await audit('ingresar', '/proveedor/ingresar', await c.get('/proveedor/ingresar'))));
    all.push(...(await audit('ingresar (error)', '/proveedor/ingresar', await c.post('/proveedor/ingresar', { email: 'x@y.cl', password: 'no' }))));
    all.push(...(await audit('ingresar (vacío)', '/proveedor/ingresar', await c.post('/proveedor/ingresar', { email: '', password: '' }))));
    all.push(...(await audit('invitación', invitation, await c.get(invitation))));
    all.push(...(await audit('invitación (error)', invitation, await c.post(invitation, { newPassword: 'corta', repeatPassword: 'otra' }))));
    const accepted = await c.post(invitation, { newPassword: PASSWORD, repeatPassword: PASSWORD });
    expect(accepted.status).toBe(303);
    all.push(...(await audit('invitación (410)', invitation, await consoleClient(rt).get(invitation))));
    const enrol = await c.get('/proveedor/mfa/configurar');
    const secret = secretOnPage(await enrol.clone().text());
    all.push(...(await audit('configurar', '/proveedor/mfa/configurar', enrol)));
    all.push(...(await audit('configurar (error)', '/proveedor/mfa/configurar', await c.post('/proveedor/mfa/configurar', { code: '' }))));
    const codes = await c.post('/proveedor/mfa/configurar', { code: totpCode(secret, rt.clock.now()) });
    expect(codes.status).toBe(200);
    all.push(...(await audit('códigos de recuperación', '/proveedor/mfa/configurar', codes)));

    const v = consoleClient(rt);
    await v.post('/proveedor/ingresar', { email, password: PASSWORD });
    all.push(...(await audit('verificar', '/proveedor/verificar', await v.get('/proveedor/verificar'))));
    all.push(...(await audit('verificar (error)', '/proveedor/verificar', await v.post('/proveedor/verificar', { code: '000000' === totpCode(secret, rt.clock.now()) ? '111111' : '000000' }))));
    rt.clock.advance(30_000);
    await v.post('/proveedor/verificar', { code: totpCode(secret, rt.clock.now()) });
    rt.clock.advance(11 * 60_000);
    await rt.deps.db.updateTable('staff_sessions').set({ last_seen_at: rt.clock.now().toISOString() }).execute();
    all.push(...(await audit('verificar (confirmar)', '/proveedor/verificar', await v.get('/proveedor/verificar?motivo=confirmar'))));

    expect(all, formatFindings(all)).toEqual([]);
  });

  // The harness catches known faults, so an empty list above means something.
  it('would catch a violation', async () => {
    await env.axe.expectToCatchKnownFaults(env.portal.base);
  });
});
