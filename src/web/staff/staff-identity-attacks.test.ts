import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOperator } from '../../auth/principal.ts';
import { inviteStaff } from '../../staff/invite-staff.ts';
import { FREE_CODE_ATTEMPTS } from '../../staff/second-factor.ts';
import { TestClient, location } from '../../../tests/client.ts';
import { createCustomerWithAdmin } from '../../../tests/factories.ts';
import { captureLog } from '../../../tests/log-capture.ts';
import { consoleClient, invitationPathFor, recoveryCodesOnPage, secretOnPage } from '../../../tests/staff-auth-helpers.ts';
import { createTestStaff, staffClient, totpCode, type TestStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { STEP_UP_FIELD } from './step-up.tsx';

/**
 * The console's staff identity tried as an attacker would: a password
 * without the second factor, codes guessed, replayed and mangled, links
 * reused, sessions planted or kept, cookies of the other audience, forged
 * posts, and what the audit trail and the logs keep.
 */
describe('staff identity under attack', () => {
  let rt: TestRuntime;
  let logLines: string[] = [];
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
    // Every request's log line, as the server writes it.
    logLines = captureLog(rt);
  });
  afterAll(async () => rt.close());

  const now = () => rt.clock.now();
  const wrongCode = (secret: string) => (totpCode(secret, now()) === '123456' ? '654321' : '123456');
  const sessionsOf = (staffId: string) => rt.deps.db.selectFrom('staff_sessions').selectAll().where('staff_id', '=', staffId).execute();
  const auditOf = (staffId: string) => rt.deps.db.selectFrom('audit_events').selectAll().where('actor_staff_id', '=', staffId).orderBy('id').execute();
  /** The next step, so a code is not refused as a replay of an earlier test's. */
  const nextStep = () => rt.clock.advance(30_000);

  let seq = 0;
  const PASSWORD = 'faro rojo en la punta de la isla';
  async function invite() {
    const email = `ataque${++seq}@proveedor.cl`;
    const { staffId } = await inviteStaff(rt.deps, cliOperator('prueba'), { email, name: 'Invitada', role: 'admin' });
    return { email, staffId, path: await invitationPathFor(rt, email) };
  }

  async function passwordOnly(staff: TestStaff, client = consoleClient(rt)) {
    const res = await client.post('/proveedor/ingresar', { email: staff.email, password: staff.password });
    expect(res.status).toBe(303);
    return client;
  }

  describe('a half-open session (right password, second factor owed)', () => {
    const FLOW = new Set(['/proveedor/ingresar', '/proveedor/verificar', '/proveedor/mfa/configurar', '/proveedor/salir']);
    const probePath = (route: string) => route.replace(/:[a-z]+/gi, '00000000-0000-4000-8000-000000000000').replace(/\*/g, 'x');

    it('reaches no console route, GET or POST, whether enrolled or not', async () => {
      const enrolled = await passwordOnly(await createTestStaff(rt.deps, 'admin'));
      const pending = await passwordOnly(await createTestStaff(rt.deps, 'admin', { enrolled: false }));
      const routes = rt.app.routes.filter((r) => r.path.startsWith('/proveedor') && (r.method === 'GET' || r.method === 'POST') && !FLOW.has(r.path) && !r.path.startsWith('/proveedor/invitacion'));
      expect(routes.length).toBeGreaterThan(10);
      for (const { method, path } of routes) {
        for (const [client, to] of [[enrolled, /^\/proveedor\/verificar/], [pending, /^\/proveedor\/mfa\/configurar$/]] as const) {
          const res = method === 'GET' ? await client.get(probePath(path)) : await client.post(probePath(path), { name: 'x', email: 'x@x.cl', role: 'admin' });
          expect([303, 404], `${method} ${path}`).toContain(res.status);
          if (res.status === 303) expect(location(res), `${method} ${path}`).toMatch(to);
        }
      }
    });

    it('of an enrolled member never sees the TOTP secret nor starts a new enrolment', async () => {
      const staff = await createTestStaff(rt.deps, 'admin');
      const client = await passwordOnly(staff);
      const page = await client.get('/proveedor/mfa/configurar');
      expect(location(page)).toBe('/proveedor/verificar');
      expect(location(await client.post('/proveedor/mfa/configurar', { code: totpCode(staff.totpSecret!, now()) }))).toBe('/proveedor/verificar');
      for (const p of ['/proveedor/verificar', '/proveedor/ingresar']) expect(await (await client.get(p)).text()).not.toContain(staff.totpSecret!);
      const row = await rt.deps.db.selectFrom('staff').select(['totp_secret', 'totp_last_step']).where('id', '=', staff.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ totp_secret: staff.totpSecret, totp_last_step: null });
    });

  });

  describe('sessions', () => {
    it('keep no token planted before the sign-in (fixation), and an unknown token is dropped', async () => {
      const victim = await createTestStaff(rt.deps, 'admin');
      const attacker = await createTestStaff(rt.deps, 'lectura');
      // The attacker's own half-open session, planted in the victim's browser.
      const planted = (await passwordOnly(attacker)).cookies.get('staff')!;
      const browser = consoleClient(rt);
      browser.cookies.set('staff', planted);
      await passwordOnly(victim, browser);
      expect(browser.cookies.get('staff')).not.toBe(planted);
      expect(await sessionsOf(attacker.id)).toHaveLength(0);
      const made = consoleClient(rt);
      made.cookies.set('staff', 'a'.repeat(43));
      const res = await made.get('/proveedor');
      expect(location(res)).toMatch(/^\/proveedor\/ingresar/);
      expect(res.headers.getSetCookie().some((c) => /^staff=;/.test(c))).toBe(true);
    });

    it('do not mix audiences: a customer session means nothing in the console, a staff session nothing on the customer pages', async () => {
      const customer = await createCustomerWithAdmin(rt.deps);
      const client = new TestClient(rt);
      expect((await client.signIn(customer.rut, customer.admin.email, customer.admin.password)).status).toBe(303);
      expect(location(await client.get('/proveedor'))).toMatch(/^\/proveedor\/ingresar/);
      const staff = await createTestStaff(rt.deps, 'admin');
      const console = await staffClient(rt, staff);
      expect((await console.get('/proveedor')).status).toBe(200);
      const servicios = await console.get('/servicios');
      expect(servicios.status).toBe(303);
      expect(location(servicios)).toMatch(/^\/ingresar/);
      // The customer's sid, sent by name as the console's cookie, is not a staff session either.
      const swapped = consoleClient(rt);
      swapped.cookies.set('staff', client.cookies.get('sid')!);
      expect(location(await swapped.get('/proveedor'))).toMatch(/^\/proveedor\/ingresar/);
    });
  });

  describe('forged posts (CSRF)', () => {
    it('refuses a console POST without the token, with the customer pages’ token, or from another origin, and runs nothing', async () => {
      const staff = await createTestStaff(rt.deps, 'admin');
      const client = await staffClient(rt, staff);
      const customerSide = new TestClient(rt);
      await customerSide.get('/ingresar');
      const customerCsrf = customerSide.cookies.get('csrf')!;
      const invite = { email: `forjada${Math.random()}@proveedor.cl`.replace('0.', ''), name: 'Forjada', role: 'admin' };
      const tries: Array<[string, Response]> = [
        ['no token', await client.post('/proveedor/personal/invitar', { ...invite, _csrf: '' })],
        ['customer token', await rt.app.request('/proveedor/personal/invitar', {
          method: 'POST',
          body: new URLSearchParams({ ...invite, _csrf: customerCsrf }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `staff=${client.cookies.get('staff')}; csrf=${customerCsrf}` },
        })],
        ['foreign origin', await client.post('/proveedor/personal/invitar', invite, { origin: 'https://evil.example' })],
        ['sign-out, no token', await client.post('/proveedor/salir', { _csrf: '' })],
      ];
      for (const [what, res] of tries) expect(res.status, what).toBe(403);
      expect(await rt.deps.db.selectFrom('staff').select('id').where('email', '=', invite.email).execute()).toEqual([]);
      expect((await client.get('/proveedor')).status).toBe(200);
    });
  });

  describe('the codes', () => {
    it('refuses mangled input with a Spanish 422, never a 500, and accepts the right code with spaces around it', async () => {
      const staff = await createTestStaff(rt.deps, 'soporte');
      const client = await passwordOnly(staff);
      const code = totpCode(staff.totpSecret!, now());
      const fullwidth = [...code].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
      const arabic = [...code].map((d) => String.fromCharCode(0x0660 + Number(d))).join('');
      for (const typed of [fullwidth, arabic, `${code}0`, code.slice(0, 5), 'abcdef', '12345６', '9'.repeat(5000)]) {
        const res = await client.post('/proveedor/verificar', { code: typed });
        expect([422, 429], typed.slice(0, 20)).toContain(res.status);
      }
      // The wrong ones above spent the free attempts; wait the delay out, then the right code with spaces works.
      rt.clock.advance(20_000);
      await rt.deps.db.updateTable('staff_sessions').set({ last_seen_at: now().toISOString() }).where('staff_id', '=', staff.id).execute();
      expect(location(await client.post('/proveedor/verificar', { code: ` ${totpCode(staff.totpSecret!, now()).replace(/(\d{3})/, '$1 ')}\t` }))).toBe('/proveedor');
    });

    it('refuses a code two steps away either side', async () => {
      nextStep();
      const staff = await createTestStaff(rt.deps, 'soporte');
      const client = await passwordOnly(staff);
      for (const ms of [-60_000, 60_000]) expect((await client.post('/proveedor/verificar', { code: totpCode(staff.totpSecret!, new Date(now().getTime() + ms)) })).status, String(ms)).toBe(422);
      expect(location(await client.post('/proveedor/verificar', { code: totpCode(staff.totpSecret!, new Date(now().getTime() + 30_000)) }))).toBe('/proveedor');
    });

    it('keep one budget per member: new sessions, new addresses, and recovery codes between TOTP codes draw on it', async () => {
      const staff = await createTestStaff(rt.deps, 'admin');
      const statuses: number[] = [];
      for (let i = 0; i < FREE_CODE_ATTEMPTS + 3; i++) {
        // A new sign-in from a new address for each guess, alternating the two kinds of code.
        const client = await passwordOnly(staff);
        const res = await client.post('/proveedor/verificar', { code: i % 2 ? wrongCode(staff.totpSecret!) : 'abcd-efgh-jkmn-pqrs' });
        statuses.push(res.status);
      }
      expect(statuses.filter((s) => s === 422)).toHaveLength(FREE_CODE_ATTEMPTS);
      expect(statuses.slice(FREE_CODE_ATTEMPTS)).toEqual([429, 429, 429]);
      const right = await passwordOnly(staff);
      expect((await right.post('/proveedor/verificar', { code: totpCode(staff.totpSecret!, now()) })).status).toBe(429);
    });

    it('takes a recovery code once of five at once, typed in any case and spacing', async () => {
      nextStep();
      const staff = await createTestStaff(rt.deps, 'admin', { enrolled: false });
      const client = await passwordOnly(staff);
      const secret = secretOnPage(await (await client.get('/proveedor/mfa/configurar')).text());
      const codes = recoveryCodesOnPage(await (await client.post('/proveedor/mfa/configurar', { code: totpCode(secret, now()) })).text());
      const clients = await Promise.all(Array.from({ length: 5 }, () => passwordOnly(staff)));
      const results = await Promise.all(clients.map((c, i) => c.post('/proveedor/verificar', { code: i % 2 ? codes[0]!.toUpperCase() : ` ${codes[0]!.replace(/-/g, ' ')} ` })));
      expect(results.filter((r) => r.status === 303)).toHaveLength(1);
      expect(results.filter((r) => r.status === 422)).toHaveLength(4);
      // Never shown again: the enrolment page now sends elsewhere.
      expect(location(await client.get('/proveedor/mfa/configurar'))).toBe('/proveedor');
      const stored = JSON.stringify(await rt.deps.db.selectFrom('staff_recovery_codes').selectAll().where('staff_id', '=', staff.id).execute());
      for (const c of codes) expect(stored).not.toContain(c.replace(/-/g, ''));
    });
  });

  describe('step-up', () => {
    const OLD = 11 * 60_000;

    it('asks before a stale session downloads the audit export, and shows nothing of it first', async () => {
      const staff = await createTestStaff(rt.deps, 'lectura');
      const client = await staffClient(rt, staff, { secondFactorAgoMs: OLD });
      const res = await client.get('/proveedor/auditoria.csv');
      expect(res.status).toBe(303);
      expect(location(res)).toMatch(/^\/proveedor\/verificar\?volver=/);
      expect(await res.text()).toBe('');
      expect(res.headers.get('content-disposition')).toBeNull();
    });

    it('throttles its code with the same budget, and a replayed step-up post spends no code twice', async () => {
      nextStep();
      const admin = await createTestStaff(rt.deps, 'admin');
      const target = await createTestStaff(rt.deps, 'lectura');
      const client = await staffClient(rt, admin, { secondFactorAgoMs: OLD });
      const path = `/proveedor/personal/${target.id}/restablecer-mfa`;
      const statuses = [];
      for (let i = 0; i < FREE_CODE_ATTEMPTS + 1; i++) statuses.push((await client.post(path, { [STEP_UP_FIELD]: wrongCode(admin.totpSecret!) })).status);
      expect(statuses.slice(0, FREE_CODE_ATTEMPTS)).toEqual(Array(FREE_CODE_ATTEMPTS).fill(422));
      expect(statuses.at(-1)).toBe(429);
      const row = await rt.deps.db.selectFrom('staff').select('totp_secret').where('id', '=', target.id).executeTakeFirstOrThrow();
      expect(row.totp_secret).toBe(target.totpSecret);
      // The same code in a second stale session of the same admin is refused as a replay.
      rt.clock.advance(MAX_WAIT);
      const code = totpCode(admin.totpSecret!, now());
      const a = await staffClient(rt, admin, { secondFactorAgoMs: OLD });
      const b = await staffClient(rt, admin, { secondFactorAgoMs: OLD });
      expect((await a.post(path, { [STEP_UP_FIELD]: code })).status).toBe(303);
      expect((await b.post(path, { [STEP_UP_FIELD]: code })).status).toBe(422);
    });
  });

  describe('invitations', () => {
    it('is refused for a member disabled after the invitation', async () => {
      const { path, staffId } = await invite();
      await rt.deps.db.updateTable('staff').set({ disabled_at: now().toISOString() }).where('id', '=', staffId).execute();
      const client = consoleClient(rt);
      expect((await client.get(path)).status).toBe(410);
      expect((await client.post(path, { newPassword: PASSWORD, repeatPassword: PASSWORD })).status).toBe(410);
      const row = await rt.deps.db.selectFrom('staff').select('password_hash').where('id', '=', staffId).executeTakeFirstOrThrow();
      expect(row.password_hash).toBeNull();
    });

    it('refuses an invitation for an address differing only by case from a member’s, or spelt with look-alike letters', async () => {
      const { email } = await invite();
      await expect(inviteStaff(rt.deps, cliOperator('prueba'), { email: email.toUpperCase(), name: 'Otra', role: 'admin' })).rejects.toMatchObject({ fieldErrors: { email: expect.any(String) } });
      // Cyrillic а, a fullwidth @, a zero-width space: never a second address that reads as the first.
      for (const lookalike of [email.replace('a', '\u0430'), email.replace('@', '\uff20'), email.replace('@', '\u200b@')]) {
        await expect(inviteStaff(rt.deps, cliOperator('prueba'), { email: lookalike, name: 'Otra', role: 'admin' }), lookalike).rejects.toMatchObject({ fieldErrors: { email: expect.any(String) } });
      }
    });
  });

  describe('enumeration and the audit trail', () => {
    it('answers an unknown, a wrong, a disabled and a not-yet-accepted e-mail alike', async () => {
      const known = await createTestStaff(rt.deps, 'admin');
      const disabled = await createTestStaff(rt.deps, 'admin', { disabled: true });
      const pending = 'aun-no@proveedor.cl';
      await inviteStaff(rt.deps, cliOperator('prueba'), { email: pending, name: 'Aún no', role: 'lectura' });
      const answers = [];
      for (const t of [{ email: 'nadie@proveedor.cl', password: known.password }, { email: known.email, password: 'otra clave cualquiera' }, { email: disabled.email, password: disabled.password }, { email: pending, password: known.password }]) {
        const client = consoleClient(rt);
        await client.get('/proveedor/ingresar');
        const res = await client.post('/proveedor/ingresar', t);
        const body = (await res.text()).replace(/value="[^"]*"/g, '');
        answers.push({ status: res.status, body, cookies: res.headers.getSetCookie().map((c) => c.split('=')[0]) });
      }
      for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
    });

    it('records failures and successes with their actor kind, and never a code, a secret, a token or a password', async () => {
      nextStep();
      const { email, staffId, path } = await invite();
      const client = consoleClient(rt);
      await client.post(path, { newPassword: PASSWORD, repeatPassword: PASSWORD });
      const secret = secretOnPage(await (await client.get('/proveedor/mfa/configurar')).text());
      await client.post('/proveedor/mfa/configurar', { code: wrongCode(secret) });
      const codes = recoveryCodesOnPage(await (await client.post('/proveedor/mfa/configurar', { code: totpCode(secret, now()) })).text());
      nextStep();
      const again = consoleClient(rt);
      await again.post('/proveedor/ingresar', { email, password: 'no es' });
      await again.post('/proveedor/ingresar', { email, password: PASSWORD });
      await again.post('/proveedor/verificar', { code: codes[1]! });
      const rows = await auditOf(staffId);
      const actions = rows.map((r) => `${r.action}:${r.actor_kind}`);
      expect(actions).toEqual(expect.arrayContaining([
        'staff.invitation-accepted:staff', 'staff.second-factor.failed:staff', 'staff.mfa-enrolled:staff', 'staff.sign-in.failed:anonymous',
        'staff.sign-in.ok:staff', 'staff.recovery-code-used:staff', 'staff.second-factor.ok:staff',
      ]));
      const everything = JSON.stringify(await rt.deps.db.selectFrom('audit_events').selectAll().execute()) + logLines.join('\n');
      const token = /[\w-]{43}/.exec(path)![0];
      const secrets: Array<[string, string]> = [
        ['TOTP secret', secret], ['invitation token', token], ['password', PASSWORD], ['session token', client.cookies.get('staff')!], ['session token', again.cookies.get('staff')!],
        ...codes.flatMap((c): Array<[string, string]> => [['recovery code', c], ['recovery code', c.replace(/-/g, '')]]),
      ];
      for (const [what, value] of secrets) expect(everything, what).not.toContain(value);
    });
  });
});

const MAX_WAIT = 16 * 60_000;
