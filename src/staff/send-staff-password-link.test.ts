import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location } from '../../tests/client.ts';
import { auditRows, consoleClient, signInThroughForms } from '../../tests/staff-auth-helpers.ts';
import { createTestStaff, signedInStaff, staffClient, totpCode } from '../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { cliOperator } from '../auth/principal.ts';
import { readableMail } from '../mail/mail-secrets.ts';
import { sendStaffPasswordLink } from './send-staff-password-link.ts';

const NEW_PASSWORD = 'faro del cabo de hornos entre la niebla';

describe('a link for a new password (a staff member who forgot theirs)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(async () => rt.close());

  async function linkFor(email: string): Promise<string> {
    const rows = await rt.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', email).where('kind', '=', 'staff-password-link').execute();
    expect(rows).toHaveLength(1);
    const mail = readableMail(rows[0]!);
    expect(mail.subject).toContain('Nueva clave');
    expect(mail.text_body).toContain('Su segundo factor no cambia');
    return /http:\/\/localhost(\/proveedor\/invitacion\?token=[\w-]+)/.exec(mail.text_body)![1]!;
  }

  it('stops the old password and every session at once; the link sets a new one, and the second factor is still asked', async () => {
    const { client: admin, staff: adminStaff } = await signedInStaff(rt, 'admin');
    const member = await createTestStaff(rt.deps, 'soporte');
    const memberBrowser = await signInThroughForms(rt, member);
    expect((await memberBrowser.get('/proveedor')).status).toBe(200);

    const res = await admin.post(`/proveedor/personal/${member.id}/nueva-clave`);
    expect(res.status).toBe(303);
    expect(location(await memberBrowser.get('/proveedor'))).toMatch(/^\/proveedor\/ingresar/);
    expect((await consoleClient(rt).post('/proveedor/ingresar', { email: member.email, password: member.password })).status).toBe(401);
    const [row] = (await auditRows(rt, 'staff.password-link-sent')).filter((r) => r.target_label === member.email);
    expect(row).toMatchObject({ actor_kind: 'staff', actor_staff_id: adminStaff.id });

    const path = await linkFor(member.email);
    const browser = consoleClient(rt);
    expect((await browser.get(path)).status).toBe(200);
    const set = await browser.post(path, { newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD });
    expect(set.status).toBe(303);
    // The link alone opens nothing: the enrolled member gives their code (no new enrolment, no new secret).
    expect(location(await browser.get('/proveedor'))).toMatch(/^\/proveedor\/verificar/);
    rt.clock.advance(30_000);
    expect(location(await browser.post('/proveedor/verificar', { code: totpCode(member.totpSecret!, rt.clock.now()) }))).toBe('/proveedor');
    expect((await browser.get('/proveedor')).status).toBe(200);
    // Single use.
    expect((await consoleClient(rt).get(path)).status).toBe(410);
  });

  it('is for staff managers only, not for oneself, not for a disabled or never-signed-in member; two at once mail one link', async () => {
    const { client: reader } = await signedInStaff(rt, 'lectura');
    const target = await createTestStaff(rt.deps, 'editor');
    expect((await reader.post(`/proveedor/personal/${target.id}/nueva-clave`)).status).toBe(403);

    const admin = await createTestStaff(rt.deps, 'admin');
    const adminClient = await staffClient(rt, admin);
    const self = await adminClient.post(`/proveedor/personal/${admin.id}/nueva-clave`);
    expect(self.status).toBe(409);
    const disabled = await createTestStaff(rt.deps, 'soporte', { disabled: true });
    expect((await adminClient.post(`/proveedor/personal/${disabled.id}/nueva-clave`)).status).toBe(409);
    expect((await adminClient.post('/proveedor/personal/00000000-0000-4000-8000-000000000000/nueva-clave')).status).toBe(404);
    expect((await adminClient.post('/proveedor/personal/%00/nueva-clave')).status).toBe(404);

    const results = await Promise.allSettled([sendStaffPasswordLink(rt.deps, cliOperator('prueba'), target.id), sendStaffPasswordLink(rt.deps, cliOperator('prueba'), target.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await linkFor(target.email);
    // Now it has no password: the second try says to resend the invitation instead.
    await expect(sendStaffPasswordLink(rt.deps, cliOperator('prueba'), target.id)).rejects.toMatchObject({ status: 409 });
  });
});
