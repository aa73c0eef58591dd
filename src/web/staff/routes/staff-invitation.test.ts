import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOperator } from '../../../auth/principal.ts';
import { hashToken } from '../../../auth/token.ts';
import { inviteStaff } from '../../../staff/invite-staff.ts';
import { location } from '../../../../tests/client.ts';
import { captureLog } from '../../../../tests/log-capture.ts';
import { auditRows, consoleClient, invitationPathFor, recoveryCodesOnPage, secretOnPage } from '../../../../tests/staff-auth-helpers.ts';
import { totpCode } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

const PASSWORD = 'lámpara verde sobre el muelle de chiloé';

describe('staff invitation → password → TOTP enrolment', () => {
  let rt: TestRuntime;
  let seq = 0;
  let logLines: string[] = [];
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
    // The request log as the server writes it.
    logLines = captureLog(rt);
  });
  afterAll(async () => rt.close());

  async function invite(): Promise<{ email: string; staffId: string; path: string }> {
    const email = `invitada${++seq}@proveedor.cl`;
    const { staffId } = await inviteStaff(rt.deps, cliOperator('prueba'), { email: email.toUpperCase(), name: 'Ana Invitada', role: 'soporte' });
    return { email, staffId, path: await invitationPathFor(rt, email) };
  }

  it('shows the form, sets the password, and goes on to enrolment in a half-open session', async () => {
    const { email, path, staffId } = await invite();
    const client = consoleClient(rt);
    const page = await client.get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(email);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');

    const res = await client.post(path, { newPassword: PASSWORD, repeatPassword: PASSWORD });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/proveedor/mfa/configurar');
    const staffCookie = res.headers.getSetCookie().find((c) => c.startsWith('staff='))!;
    expect(staffCookie).toMatch(/HttpOnly/i);
    expect(staffCookie).toMatch(/SameSite=Lax/i);
    // Half-open: the console itself sends back to enrolment.
    expect(location(await client.get('/proveedor'))).toBe('/proveedor/mfa/configurar');
    expect(await auditRows(rt, 'staff.invitation-accepted')).toEqual(expect.arrayContaining([expect.objectContaining({ actor_staff_id: staffId })]));
  });

  it('refuses a weak password with the customers’ rules (422) and leaves the link usable', async () => {
    const { path } = await invite();
    const client = consoleClient(rt);
    const weak = await client.post(path, { newPassword: 'proveedor1', repeatPassword: 'proveedor1' });
    expect(weak.status).toBe(422);
    const mismatch = await client.post(path, { newPassword: PASSWORD, repeatPassword: `${PASSWORD}x` });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain('no coinciden');
    expect((await client.post(path, { newPassword: PASSWORD, repeatPassword: PASSWORD })).status).toBe(303);
  });

  it('works once: a used, an unknown, an expired or a replaced link is a 410 with a Spanish message', async () => {
    const { path, staffId } = await invite();
    const client = consoleClient(rt);
    expect((await client.post(path, { newPassword: PASSWORD, repeatPassword: PASSWORD })).status).toBe(303);
    const used = await consoleClient(rt).get(path);
    expect(used.status).toBe(410);
    expect(await used.text()).toContain('ya se usó, venció');
    expect((await consoleClient(rt).post(path, { newPassword: PASSWORD, repeatPassword: PASSWORD })).status).toBe(410);
    expect((await consoleClient(rt).get('/proveedor/invitacion?token=desconocido')).status).toBe(410);
    expect((await consoleClient(rt).get('/proveedor/invitacion')).status).toBe(410);

    const late = await invite();
    rt.clock.advance(72 * 3_600_000 + 1);
    try {
      expect((await consoleClient(rt).get(late.path)).status).toBe(410);
    } finally {
      rt.clock.advance(-(72 * 3_600_000 + 1));
    }
    // Only the hash is stored.
    const token = new URLSearchParams(path.split('?')[1]).get('token')!;
    const rows = await rt.deps.db.selectFrom('staff_invitations').selectAll().where('staff_id', '=', staffId).execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(token));
  });

  it('admits exactly one of two submissions at once', async () => {
    const { path, staffId } = await invite();
    const [a, b] = [consoleClient(rt), consoleClient(rt)];
    await Promise.all([a.get(path), b.get(path)]);
    const results = await Promise.all([a.post(path, { newPassword: PASSWORD, repeatPassword: PASSWORD }), b.post(path, { newPassword: `${PASSWORD} dos`, repeatPassword: `${PASSWORD} dos` })]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 410]);
    const sessions = await rt.deps.db.selectFrom('staff_sessions').select('id').where('staff_id', '=', staffId).execute();
    expect(sessions).toHaveLength(1);
  });

  it('enrols TOTP from the secret shown on the page, shows ten recovery codes once, and opens the console', async () => {
    const { path, staffId } = await invite();
    const client = consoleClient(rt);
    await client.post(path, { newPassword: PASSWORD, repeatPassword: PASSWORD });
    const page = await client.get('/proveedor/mfa/configurar');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<svg');
    const secret = secretOnPage(html);
    // A reload shows the same secret (the phone may have scanned it already).
    expect(secretOnPage(await (await client.get('/proveedor/mfa/configurar')).text())).toBe(secret);

    const wrong = await client.post('/proveedor/mfa/configurar', { code: '000000' === totpCode(secret, rt.clock.now()) ? '111111' : '000000' });
    expect(wrong.status).toBe(422);
    const done = await client.post('/proveedor/mfa/configurar', { code: totpCode(secret, rt.clock.now()) });
    expect(done.status).toBe(200);
    const codes = recoveryCodesOnPage(await done.text());
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const stored = await rt.deps.db.selectFrom('staff_recovery_codes').selectAll().where('staff_id', '=', staffId).execute();
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(codes[0]!.replace(/-/g, ''));
    expect(JSON.stringify(stored)).not.toContain(codes[0]!);

    expect((await client.get('/proveedor')).status).toBe(200);
    // Enrolled: the page no longer shows a secret.
    expect(location(await client.get('/proveedor/mfa/configurar'))).toBe('/proveedor');
    expect(await auditRows(rt, 'staff.mfa-enrolled')).toEqual(expect.arrayContaining([expect.objectContaining({ actor_staff_id: staffId })]));
  });

  it('keeps the link’s token out of the request log (a query string, which the log leaves out, not a path)', async () => {
    const { path } = await invite();
    const token = /[\w-]{43}/.exec(path)![0];
    const client = consoleClient(rt);
    logLines.length = 0;
    const page = await client.get(path);
    expect(page.status).toBe(200);
    expect(path).toBe(`/proveedor/invitacion?token=${token}`);
    expect(await page.text()).toContain(`<form method="post" action="/proveedor/invitacion?token=${token}"`);
    expect((await client.post(path, { newPassword: 'corta', repeatPassword: 'corta' })).status).toBe(422);
    expect((await client.post(path, { newPassword: PASSWORD, repeatPassword: PASSWORD })).status).toBe(303);
    expect((await consoleClient(rt).get(path)).status).toBe(410);
    expect(logLines.filter((l) => l.includes('"request"'))).toHaveLength(4);
    expect(logLines.join('\n')).not.toContain(token);
  });

  it('sends a visitor without a session from the enrolment and verification pages to the sign-in', async () => {
    for (const p of ['/proveedor/mfa/configurar', '/proveedor/verificar']) expect(location(await consoleClient(rt).get(p)), p).toMatch(/^\/proveedor\/ingresar/);
  });
});
