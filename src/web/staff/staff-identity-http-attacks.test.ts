import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOperator } from '../../auth/principal.ts';
import { inviteStaff } from '../../staff/invite-staff.ts';
import { replaceRecoveryCodes } from '../../staff/recovery-codes.ts';
import { FREE_CODE_ATTEMPTS } from '../../staff/second-factor.ts';
import { HttpBrowser, startHttpPortal, type HttpPortal } from '../../../tests/http-portal.ts';
import { invitationPathFor } from '../../../tests/staff-auth-helpers.ts';
import { createTestStaff, totpCode, type TestStaff } from '../../../tests/staff-fixtures.ts';
import { STEP_UP_FIELD } from './step-up.tsx';

/**
 * The console's codes and links when many requests truly arrive at once:
 * over real sockets, on the suite's database (SQLite, or PostgreSQL with
 * DATABASE_URL and its connection pool).
 */

let portal: HttpPortal;
let addressSeq = 0;
beforeAll(async () => {
  portal = await startHttpPortal({ withHelp: false });
}, 60_000);
afterAll(() => portal.close());

/** A browser at the console: its cookies, the console's CSRF field, an address of its own. */
class ConsoleBrowser extends HttpBrowser {
  constructor() {
    super(portal, `203.0.113.${++addressSeq % 250}`, 'staff_csrf');
  }

  async passwordOnly(staff: TestStaff) {
    await this.request('/proveedor/ingresar');
    const res = await this.request('/proveedor/ingresar', { email: staff.email, password: staff.password });
    expect(res.status).toBe(303);
    return this;
  }
}

const now = () => portal.rt.clock.now();
const db = () => portal.rt.deps.db;
const audit = (action: string, staffId: string) => db().selectFrom('audit_events').selectAll().where('action', '=', action).where('actor_staff_id', '=', staffId).execute();
const halfOpen = (staff: TestStaff, n: number) => Promise.all(Array.from({ length: n }, () => new ConsoleBrowser().passwordOnly(staff)));

describe('the console’s codes over real HTTP, many at once', () => {
  it('admits one of ten submissions of the same TOTP code, each from its own session', async () => {
    portal.rt.clock.advance(30_000);
    const staff = await createTestStaff(portal.rt.deps, 'admin');
    const browsers = await halfOpen(staff, 10);
    const code = totpCode(staff.totpSecret!, now());
    const results = await Promise.all(browsers.map((b) => b.request('/proveedor/verificar', { code })));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    // The others are replays, or held by the code throttle once the replays used its allowance.
    expect(results.filter((r) => r.status === 422 || r.status === 429)).toHaveLength(9);
    expect(await audit('staff.second-factor.ok', staff.id)).toHaveLength(1);
  }, 60_000);

  it('gives 15 wrong codes at once, from 15 sessions and addresses, the free allowance and no more', async () => {
    const staff = await createTestStaff(portal.rt.deps, 'admin');
    const browsers = await halfOpen(staff, 15);
    const wrong = totpCode(staff.totpSecret!, now()) === '123456' ? '654321' : '123456';
    const results = await Promise.all(browsers.map((b, i) => b.request('/proveedor/verificar', { code: i % 2 ? wrong : 'abcd-efgh-jkmn-pqrs' })));
    expect(results.filter((r) => r.status === 422).length).toBeLessThanOrEqual(FREE_CODE_ATTEMPTS);
    expect(results.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(15 - FREE_CODE_ATTEMPTS);
    const checked = (await audit('staff.second-factor.failed', staff.id)).filter((e) => JSON.parse(e.detail!).why !== 'throttled');
    expect(checked.length).toBeLessThanOrEqual(FREE_CODE_ATTEMPTS);
  }, 60_000);

  it('spends a recovery code once of six submissions at once', async () => {
    const staff = await createTestStaff(portal.rt.deps, 'admin');
    const codes = await db().transaction().execute((trx) => replaceRecoveryCodes(trx, staff.id, now()));
    const browsers = await halfOpen(staff, 6);
    const results = await Promise.all(browsers.map((b) => b.request('/proveedor/verificar', { code: codes[0]! })));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(await audit('staff.recovery-code-used', staff.id)).toHaveLength(1);
    const left = await db().selectFrom('staff_recovery_codes').select('used_at').where('staff_id', '=', staff.id).execute();
    expect(left.filter((r) => r.used_at !== null)).toHaveLength(1);
  }, 60_000);

  it('checks a step-up code once when the confirming form is sent twice at once', async () => {
    portal.rt.clock.advance(30_000);
    const admin = await createTestStaff(portal.rt.deps, 'admin');
    const target = await createTestStaff(portal.rt.deps, 'lectura');
    const browser = await new ConsoleBrowser().passwordOnly(admin);
    expect((await browser.request('/proveedor/verificar', { code: totpCode(admin.totpSecret!, now()) })).status).toBe(303);
    portal.rt.clock.advance(11 * 60_000);
    await db().updateTable('staff_sessions').set({ last_seen_at: now().toISOString() }).where('staff_id', '=', admin.id).execute();
    const code = totpCode(admin.totpSecret!, now());
    const path = `/proveedor/personal/${target.id}/restablecer-mfa`;
    const results = await Promise.all([browser.request(path, { [STEP_UP_FIELD]: code }), browser.request(path, { [STEP_UP_FIELD]: code })]);
    expect(results.some((r) => r.status === 303)).toBe(true);
    expect(await audit('staff.step-up', admin.id)).toHaveLength(1);
  });

  it('accepts an invitation once of ten submissions at once, with one session', async () => {
    const email = `http-${Date.now()}@proveedor.cl`;
    const { staffId } = await inviteStaff(portal.rt.deps, cliOperator('prueba'), { email, name: 'Concurrente', role: 'soporte' });
    const path = await invitationPathFor(portal.rt, email);
    const browsers = Array.from({ length: 10 }, () => new ConsoleBrowser());
    await Promise.all(browsers.map((b) => b.request(path)));
    const results = await Promise.all(browsers.map((b, i) => b.request(path, { newPassword: `faro verde número ${i} en la costa`, repeatPassword: `faro verde número ${i} en la costa` })));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(results.filter((r) => r.status === 410)).toHaveLength(9);
    expect(await db().selectFrom('staff_sessions').select('id').where('staff_id', '=', staffId).execute()).toHaveLength(1);
    expect(await audit('staff.invitation-accepted', staffId)).toHaveLength(1);
  }, 60_000);

  it('leaves one enrolment session when five sign-ins of a member not yet enrolled arrive at once', async () => {
    const staff = await createTestStaff(portal.rt.deps, 'admin', { enrolled: false });
    await halfOpen(staff, 5);
    expect(await db().selectFrom('staff_sessions').select('id').where('staff_id', '=', staff.id).execute()).toHaveLength(1);
  });
});
