import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOperator } from '../../../auth/principal.ts';
import { resetStaffMfa } from '../../../staff/reset-staff-mfa.ts';
import { location } from '../../../../tests/client.ts';
import { auditRows, consoleClient, recoveryCodesOnPage, secretOnPage, signInThroughForms } from '../../../../tests/staff-auth-helpers.ts';
import { createTestStaff, staffClient, totpCode, type TestStaff } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { FREE_CODE_ATTEMPTS } from '../../../staff/second-factor.ts';
import { CONSOLE_SECTIONS } from '../staff-layout.tsx';

describe('/proveedor/verificar: TOTP and recovery codes', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(async () => rt.close());

  async function halfOpen(staff: TestStaff) {
    const client = consoleClient(rt);
    expect(location(await client.post('/proveedor/ingresar', { email: staff.email, password: staff.password }))).toMatch(/^\/proveedor\/verificar/);
    return client;
  }

  const wrongCode = (secret: string) => (totpCode(secret, rt.clock.now()) === '123456' ? '654321' : '123456');

  it('accepts a code one step either side of the clock, and nothing further off', async () => {
    const staff = await createTestStaff(rt.deps, 'soporte');
    const late = await halfOpen(staff);
    expect((await late.post('/proveedor/verificar', { code: totpCode(staff.totpSecret!, new Date(rt.clock.now().getTime() - 30_000)) })).status).toBe(303);
    const staff2 = await createTestStaff(rt.deps, 'soporte');
    const far = await halfOpen(staff2);
    const res = await far.post('/proveedor/verificar', { code: totpCode(staff2.totpSecret!, new Date(rt.clock.now().getTime() - 90_000)) });
    expect(res.status).toBe(422);
    expect((await auditRows(rt, 'staff.second-factor.failed')).some((e) => e.actor_staff_id === staff2.id)).toBe(true);
  });

  it('refuses the same code a second time (replay), even in another session', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const code = totpCode(staff.totpSecret!, rt.clock.now());
    const a = await halfOpen(staff);
    const b = await halfOpen(staff);
    expect((await a.post('/proveedor/verificar', { code })).status).toBe(303);
    const replay = await b.post('/proveedor/verificar', { code });
    expect(replay.status).toBe(422);
    expect(location(await b.get('/proveedor'))).toMatch(/^\/proveedor\/verificar/);
    const failed = (await auditRows(rt, 'staff.second-factor.failed')).filter((e) => e.actor_staff_id === staff.id);
    expect(failed.map((e) => JSON.parse(e.detail!).why)).toContain('replay');
    // The next step's code works.
    rt.clock.advance(30_000);
    expect((await b.post('/proveedor/verificar', { code: totpCode(staff.totpSecret!, rt.clock.now()) })).status).toBe(303);
  });

  it('admits one of two submissions of the same code at once', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const clients = await Promise.all([halfOpen(staff), halfOpen(staff), halfOpen(staff), halfOpen(staff)]);
    const code = totpCode(staff.totpSecret!, rt.clock.now());
    const results = await Promise.all(clients.map((c) => c.post('/proveedor/verificar', { code })));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(results.filter((r) => r.status === 422)).toHaveLength(3);
  });

  it('throttles wrong codes: after the free attempts even the right code is refused while the delay holds', async () => {
    const staff = await createTestStaff(rt.deps, 'soporte');
    const client = await halfOpen(staff);
    const results = await Promise.all(Array.from({ length: 30 }, () => client.post('/proveedor/verificar', { code: wrongCode(staff.totpSecret!) })));
    expect(results.filter((r) => r.status === 422).length).toBeLessThanOrEqual(FREE_CODE_ATTEMPTS);
    expect(results.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    const held = await client.post('/proveedor/verificar', { code: totpCode(staff.totpSecret!, rt.clock.now()) });
    expect(held.status).toBe(429);
    expect(await held.text()).toContain('demasiados intentos');
    // Once the delay has passed, the right code is accepted (a new step: the earlier code was not spent, but time moved).
    rt.clock.advance(2_000);
    await rt.deps.db.updateTable('staff_sessions').set({ last_seen_at: rt.clock.now().toISOString() }).where('staff_id', '=', staff.id).execute();
    expect((await client.post('/proveedor/verificar', { code: totpCode(staff.totpSecret!, rt.clock.now()) })).status).toBe(303);
  });

  it('takes a recovery code once, tells how many remain, and refuses it the second time', async () => {
    const staff = await createTestStaff(rt.deps, 'admin', { enrolled: false });
    const client = await halfOpenEnrol(staff);
    const page = await client.get('/proveedor/mfa/configurar');
    const secret = secretOnPage(await page.text());
    const codes = recoveryCodesOnPage(await (await client.post('/proveedor/mfa/configurar', { code: totpCode(secret, rt.clock.now()) })).text());
    expect(codes).toHaveLength(10);

    const other = await halfOpen(staff);
    const used = await other.post('/proveedor/verificar', { code: codes[3]!.toUpperCase().replace(/-/g, ' ') });
    expect(used.status).toBe(303);
    const home = await other.get('/proveedor');
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('le quedan 9');
    expect((await auditRows(rt, 'staff.recovery-code-used')).some((e) => e.actor_staff_id === staff.id)).toBe(true);

    const again = await halfOpen(staff);
    expect((await again.post('/proveedor/verificar', { code: codes[3]! })).status).toBe(422);
  });

  async function halfOpenEnrol(staff: TestStaff) {
    const client = consoleClient(rt);
    expect(location(await client.post('/proveedor/ingresar', { email: staff.email, password: staff.password }))).toBe('/proveedor/mfa/configurar');
    return client;
  }

  it('gives a half-open session only the verification, enrolment and sign-out pages', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const client = await halfOpen(staff);
    expect(location(await client.get('/proveedor'))).toMatch(/^\/proveedor\/verificar/);
    // Every console section (those not built yet answer 404): never a page.
    for (const { href } of CONSOLE_SECTIONS) {
      const res = await client.get(href);
      expect([303, 404], href).toContain(res.status);
      if (res.status === 303) expect(location(res), href).toMatch(/^\/proveedor\/verificar/);
    }
    expect((await client.get('/proveedor/verificar')).status).toBe(200);
    expect(location(await client.post('/proveedor/salir'))).toBe('/proveedor/ingresar');
  });

  it('lets a half-open session live 10 minutes at most', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const client = await halfOpen(staff);
    rt.clock.advance(10 * 60_000 + 1);
    expect(location(await client.get('/proveedor/verificar'))).toMatch(/^\/proveedor\/ingresar/);
  });

  it('resetStaffMfa clears the second factor, revokes every session, and the next sign-in enrols again', async () => {
    const staff = await createTestStaff(rt.deps, 'soporte');
    const client = await staffClient(rt, staff);
    expect((await client.get('/proveedor')).status).toBe(200);
    const r = await resetStaffMfa(rt.deps, cliOperator('prueba'), staff.id);
    expect(r.sessionsEnded).toBe(1);
    expect(location(await client.get('/proveedor'))).toMatch(/^\/proveedor\/ingresar/);
    const row = await rt.deps.db.selectFrom('staff').selectAll().where('id', '=', staff.id).executeTakeFirstOrThrow();
    expect([row.totp_secret, row.totp_enrolled_at, row.totp_last_step]).toEqual([null, null, null]);
    const reset = (await auditRows(rt, 'staff.mfa-reset')).find((e) => e.target_label === staff.email)!;
    expect(reset.actor_kind).toBe('cli');
    await halfOpenEnrol(staff);
  });
});
