import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FREE_PER_SOURCE } from '../../../auth/password-attempt.ts';
import { location } from '../../../../tests/client.ts';
import { replaceRecoveryCodes } from '../../../staff/recovery-codes.ts';
import { auditRows, consoleClient, secretOnPage, signInThroughForms } from '../../../../tests/staff-auth-helpers.ts';
import { createTestStaff, totpCode } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { STAFF_SIGN_IN_FAILED } from './staff-sign-in.tsx';

describe('/proveedor/ingresar', () => {
  let rt: TestRuntime;
  let verifications = 0;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
    const hasher = rt.deps.hasher;
    const verify = hasher.verify.bind(hasher);
    hasher.verify = (hash, password, lane) => {
      verifications++;
      return verify(hash, password, lane);
    };
  });
  afterAll(async () => rt.close());

  it('signs in with password then TOTP: a half-open session first, a new token and a staff_device cookie', async () => {
    const staff = await createTestStaff(rt.deps, 'soporte');
    const client = consoleClient(rt);
    const res = await client.post('/proveedor/ingresar', { email: staff.email.toUpperCase(), password: staff.password });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/proveedor/verificar');
    const first = client.cookies.get('staff')!;
    expect(client.cookies.get('staff_device')).toMatch(/^[\w-]{43}$/);
    // The password alone opens nothing of the console.
    expect(location(await client.get('/proveedor'))).toBe('/proveedor/verificar?volver=%2Fproveedor');
    expect(location(await client.get('/proveedor/auditoria'))).toMatch(/^\/proveedor\/verificar/);
    const ok = await client.post('/proveedor/verificar', { code: totpCode(staff.totpSecret!, rt.clock.now()) });
    expect(location(ok)).toBe('/proveedor');
    expect((await client.get('/proveedor')).status).toBe(200);
    // Signing in again rotates the token; the old one is gone.
    await client.post('/proveedor/ingresar', { email: staff.email, password: staff.password });
    expect(client.cookies.get('staff')).not.toBe(first);
    expect(await rt.deps.db.selectFrom('staff_sessions').select('id').where('staff_id', '=', staff.id).execute()).toHaveLength(1);
    const ok2 = await auditRows(rt, 'staff.sign-in.ok');
    expect(ok2.filter((e) => e.actor_staff_id === staff.id && e.actor_kind === 'staff')).toHaveLength(2);
    expect((await auditRows(rt, 'staff.second-factor.ok')).some((e) => e.actor_staff_id === staff.id)).toBe(true);
  });

  it('gives the session a new token when the second factor completes the sign-in: the half-open token opens nothing after', async () => {
    const staff = await createTestStaff(rt.deps, 'soporte');
    const codes = await rt.deps.db.transaction().execute((trx) => replaceRecoveryCodes(trx, staff.id, rt.clock.now()));
    for (const code of [totpCode(staff.totpSecret!, rt.clock.now()), codes[0]!]) {
      const client = consoleClient(rt);
      await client.post('/proveedor/ingresar', { email: staff.email, password: staff.password });
      const halfOpen = client.cookies.get('staff')!;
      expect(location(await client.post('/proveedor/verificar', { code }))).toBe('/proveedor');
      expect(client.cookies.get('staff')).not.toBe(halfOpen);
      expect((await client.get('/proveedor')).status).toBe(200);
      const stale = consoleClient(rt);
      stale.cookies.set('staff', halfOpen);
      expect(location(await stale.get('/proveedor')), code).toMatch(/^\/proveedor\/ingresar/);
    }
    expect(await rt.deps.db.selectFrom('staff_sessions').select('id').where('staff_id', '=', staff.id).execute()).toHaveLength(2);
  });

  it('gives the session a new token when enrolment is confirmed', async () => {
    const staff = await createTestStaff(rt.deps, 'soporte', { enrolled: false });
    const client = consoleClient(rt);
    await client.post('/proveedor/ingresar', { email: staff.email, password: staff.password });
    const halfOpen = client.cookies.get('staff')!;
    const secret = secretOnPage(await (await client.get('/proveedor/mfa/configurar')).text());
    expect((await client.post('/proveedor/mfa/configurar', { code: totpCode(secret, rt.clock.now()) })).status).toBe(200);
    expect(client.cookies.get('staff')).not.toBe(halfOpen);
    expect((await client.get('/proveedor')).status).toBe(200);
    const stale = consoleClient(rt);
    stale.cookies.set('staff', halfOpen);
    expect(location(await stale.get('/proveedor'))).toMatch(/^\/proveedor\/ingresar/);
  });

  it('sends a staff member not yet enrolled to enrolment', async () => {
    const staff = await createTestStaff(rt.deps, 'lectura', { enrolled: false });
    const client = consoleClient(rt);
    expect(location(await client.post('/proveedor/ingresar', { email: staff.email, password: staff.password }))).toBe('/proveedor/mfa/configurar');
    expect(location(await client.get('/proveedor'))).toBe('/proveedor/mfa/configurar');
    expect(location(await client.get('/proveedor/verificar'))).toBe('/proveedor/mfa/configurar');
  });

  it('gives each sign-in of a member still enrolling a secret of its own: a second sign-in with the password never sees the first one’s, and ends it', async () => {
    const staff = await createTestStaff(rt.deps, 'admin', { enrolled: false });
    const owner = consoleClient(rt);
    await owner.post('/proveedor/ingresar', { email: staff.email, password: staff.password });
    const ownerSecret = secretOnPage(await (await owner.get('/proveedor/mfa/configurar')).text());
    // A reload in the same session shows the same secret (the phone may have scanned it).
    expect(secretOnPage(await (await owner.get('/proveedor/mfa/configurar')).text())).toBe(ownerSecret);

    // Someone else with the password alone, while the owner is still enrolling.
    const thief = consoleClient(rt);
    expect(location(await thief.post('/proveedor/ingresar', { email: staff.email, password: staff.password }))).toBe('/proveedor/mfa/configurar');
    const thiefSecret = secretOnPage(await (await thief.get('/proveedor/mfa/configurar')).text());
    expect(thiefSecret).not.toBe(ownerSecret);
    // What the owner's phone holds opens nothing in the new session…
    expect((await thief.post('/proveedor/mfa/configurar', { code: totpCode(ownerSecret, rt.clock.now()) })).status).toBe(422);
    // …and one enrolment is under way at a time: the earlier session ended (the owner sees it, and signs in again).
    expect(location(await owner.post('/proveedor/mfa/configurar', { code: totpCode(ownerSecret, rt.clock.now()) }))).toMatch(/^\/proveedor\/ingresar/);
    expect(await rt.deps.db.selectFrom('staff_sessions').select('id').where('staff_id', '=', staff.id).execute()).toHaveLength(1);
    const row = await rt.deps.db.selectFrom('staff').select(['totp_enrolled_at']).where('id', '=', staff.id).executeTakeFirstOrThrow();
    expect(row.totp_enrolled_at).toBeNull();
  });

  it('leaves an enrolled member’s other sessions alone at a sign-in', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const first = await signInThroughForms(rt, staff);
    rt.clock.advance(30_000);
    await signInThroughForms(rt, staff);
    expect((await first.get('/proveedor')).status).toBe(200);
  });

  it('answers every failure with one generic message: wrong password, unknown e-mail, disabled, invitation pending', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const disabled = await createTestStaff(rt.deps, 'admin', { disabled: true });
    await rt.deps.db.insertInto('staff').values({
      id: 'pendiente-1', email: 'pendiente@proveedor.cl', name: 'Pendiente', role: 'lectura', password_hash: null, password_changed_at: null, totp_secret: null,
      totp_enrolled_at: null, totp_last_step: null, disabled_at: null, last_sign_in_at: null, created_by: 'cli:prueba', created_at: rt.clock.now().toISOString(),
    }).execute();
    const tries = [
      { email: staff.email, password: 'no es la clave' },
      { email: 'nadie@proveedor.cl', password: staff.password },
      { email: disabled.email, password: disabled.password },
      { email: 'pendiente@proveedor.cl', password: staff.password },
    ];
    for (const t of tries) {
      const client = consoleClient(rt);
      const res = await client.post('/proveedor/ingresar', t);
      expect(res.status, t.email).toBe(401);
      expect(await res.text()).toContain(STAFF_SIGN_IN_FAILED);
      expect(client.cookies.has('staff')).toBe(false);
    }
    const failed = await auditRows(rt, 'staff.sign-in.failed');
    expect(failed.map((e) => JSON.parse(e.detail!).why)).toEqual(expect.arrayContaining(['wrong-password', 'unknown-account', 'disabled', 'invitation-pending']));
    expect((await consoleClient(rt).post('/proveedor/ingresar', { email: '', password: '' })).status).toBe(422);
  });

  it('gives 200 parallel guesses from one address only the free allowance of verifications, the right one among them included', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const attacker = consoleClient(rt);
    await attacker.get('/proveedor/ingresar');
    const before = verifications;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => attacker.post('/proveedor/ingresar', { email: staff.email, password: i === 74 ? staff.password : `adivinanza ${i}` })),
    );
    expect(verifications - before).toBeLessThanOrEqual(FREE_PER_SOURCE + 1);
    expect(results.filter((r) => r.status === 303)).toHaveLength(0);
    expect(results.every((r) => r.status === 401)).toBe(true);
    expect((await auditRows(rt, 'staff.sign-in.throttled')).some((e) => e.actor_label === staff.email)).toBe(true);
    // The owner, from elsewhere, still gets in.
    await signInThroughForms(rt, staff);
  });

  it('honours ?volver= only for console paths', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const client = consoleClient(rt);
    const res = await client.post(`/proveedor/ingresar?volver=${encodeURIComponent('/proveedor/auditoria?accion=x')}`, { email: staff.email, password: staff.password });
    expect(location(res)).toBe(`/proveedor/verificar?volver=${encodeURIComponent('/proveedor/auditoria?accion=x')}`);
    const ok = await client.post(location(res)!, { code: totpCode(staff.totpSecret!, rt.clock.now()) });
    expect(location(ok)).toBe('/proveedor/auditoria?accion=x');
    for (const evil of ['/servicios', '//evil.example/proveedor', 'https://evil.example/proveedor', '/proveedorx']) {
      const other = await createTestStaff(rt.deps, 'admin');
      const c = consoleClient(rt);
      const r = await c.post(`/proveedor/ingresar?volver=${encodeURIComponent(evil)}`, { email: other.email, password: other.password });
      expect(location(r), evil).toBe('/proveedor/verificar');
    }
  });

  it('ends the session at /proveedor/salir, clears the cookie and audits it', async () => {
    const staff = await createTestStaff(rt.deps, 'editor');
    const client = await signInThroughForms(rt, staff);
    const res = await client.post('/proveedor/salir');
    expect(location(res)).toBe('/proveedor/ingresar');
    expect(client.cookies.has('staff')).toBe(false);
    expect(await rt.deps.db.selectFrom('staff_sessions').select('id').where('staff_id', '=', staff.id).execute()).toHaveLength(0);
    expect((await auditRows(rt, 'staff.sign-out')).some((e) => e.actor_staff_id === staff.id)).toBe(true);
  });

  it('stops a disabled staff member’s sessions at the next request', async () => {
    const staff = await createTestStaff(rt.deps, 'soporte');
    const client = await signInThroughForms(rt, staff);
    await rt.deps.db.updateTable('staff').set({ disabled_at: rt.clock.now().toISOString() }).where('id', '=', staff.id).execute();
    expect(location(await client.get('/proveedor'))).toMatch(/^\/proveedor\/ingresar/);
  });

  it('ends a session idle for 15 minutes, and any session after 8 hours', async () => {
    const staff = await createTestStaff(rt.deps, 'lectura');
    const idle = await signInThroughForms(rt, staff);
    rt.clock.advance(14 * 60_000);
    expect((await idle.get('/proveedor')).status).toBe(200);
    rt.clock.advance(15 * 60_000 + 1_000);
    expect(location(await idle.get('/proveedor'))).toMatch(/^\/proveedor\/ingresar/);

    const busy = await signInThroughForms(rt, staff);
    for (let i = 0; i < 47; i++) {
      rt.clock.advance(10 * 60_000);
      expect((await busy.get('/proveedor')).status, `after ${(i + 1) * 10} min`).toBe(200);
    }
    rt.clock.advance(10 * 60_000);
    expect(location(await busy.get('/proveedor'))).toMatch(/^\/proveedor\/ingresar/);
  });
});
