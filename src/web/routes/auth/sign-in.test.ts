import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRut } from '../../../domain/rut.ts';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { SIGN_IN_FAILED } from './sign-in.tsx';

let rt: TestRuntime;
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(() => rt.close());

describe('sign-in', () => {
  it('shows the form with RUT, e-mail, password and the recovery link', async () => {
    const res = await new TestClient(rt).get('/ingresar');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="rut"');
    expect(html).toContain('name="email"');
    expect(html).toContain('name="password"');
    expect(html).toContain('¿Olvidó su contraseña?');
    expect(html).toContain('Chrome, Firefox y Opera');
  });

  it.each([
    ['dotted', (r: string) => formatRut(r)],
    ['plain with dash', (r: string) => r],
    ['without dash', (r: string) => r.replace('-', '')],
  ])('accepts the RUT typed %s and lands the administrator on services', async (_, typed) => {
    const client = new TestClient(rt);
    const res = await client.signIn(typed(customer.rut), customer.admin.email.toUpperCase(), customer.admin.password);
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/servicios');
    expect(client.cookies.get('sid')).toMatch(/^[\w-]{43}$/);
    const services = await client.get('/servicios');
    expect(services.status).toBe(200);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax', async () => {
    const client = new TestClient(rt);
    const res = await client.signIn(customer.rut, customer.admin.email, customer.admin.password);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sid='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('rejects a wrong check digit with its own message before looking anything up', async () => {
    const before = await rt.deps.db.selectFrom('audit_events').select('id').execute();
    const body = customer.rut.split('-')[0]!;
    const wrong = customer.rut.endsWith('-1') ? `${body}-2` : `${body}-1`;
    const res = await new TestClient(rt).signIn(wrong, customer.admin.email, customer.admin.password);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('El dígito verificador del RUT no es correcto');
    const after = await rt.deps.db.selectFrom('audit_events').select('id').execute();
    expect(after.length).toBe(before.length);
  });

  it('answers every other failure with one and the same message and status', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id, { disabled: true });
    const other = await createCustomerWithAdmin(rt.deps);
    await rt.deps.db.updateTable('customers').set({ disabled_at: rt.clock.now().toISOString() }).where('id', '=', other.id).execute();
    const attempts: Array<[string, string, string]> = [
      ['11.111.111-1', customer.admin.email, customer.admin.password], // unknown RUT
      [customer.rut, 'nadie@cliente.cl', customer.admin.password], // unknown e-mail
      [customer.rut, customer.admin.email, 'una clave equivocada'], // wrong password
      [customer.rut, tech.email, tech.password], // disabled user
      [other.rut, other.admin.email, other.admin.password], // disabled customer
    ];
    const bodies = new Set<string>();
    for (const [rut, email, password] of attempts) {
      const res = await new TestClient(rt, { 'x-forwarded-for': '10.9.9.9' }).signIn(rut, email, password);
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).toContain(SIGN_IN_FAILED);
      bodies.add(html.replace(/value="[^"]*"/g, '').replace(/name="_csrf" value="[^"]*"/g, ''));
    }
    expect(bodies.size).toBe(1);
  });

  it('throttles repeated failures with the same answer, then lets the right password in after the delay', async () => {
    const c2 = await createCustomerWithAdmin(rt.deps);
    const client = new TestClient(rt);
    for (let i = 0; i < 6; i++) {
      const res = await client.signIn(c2.rut, c2.admin.email, `equivocada numero ${i}`);
      expect(res.status).toBe(401);
    }
    // Now throttled: even the right password gets the generic answer, and no hash is computed.
    let verified = 0;
    const original = rt.deps.hasher.verify.bind(rt.deps.hasher);
    rt.deps.hasher.verify = async (...a) => {
      verified++;
      return original(...a);
    };
    const blocked = await client.signIn(c2.rut, c2.admin.email, c2.admin.password);
    rt.deps.hasher.verify = original;
    expect(blocked.status).toBe(401);
    expect(await blocked.text()).toContain(SIGN_IN_FAILED);
    expect(verified).toBe(0);
    rt.clock.advance(5 * 60_000);
    const ok = await client.signIn(c2.rut, c2.admin.email, c2.admin.password);
    expect(ok.status).toBe(303);
  });

  it('takes the same time for an unknown account as for a wrong password', async () => {
    const time = async (email: string, rut = customer.rut) => {
      const t = performance.now();
      await new TestClient(rt, { 'x-forwarded-for': `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` }).signIn(rut, email, 'otra clave cualquiera');
      return performance.now() - t;
    };
    await time('calentar@cliente.cl');
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Each a first attempt at its account: repeated failures at one account wait longer (the throttle's slow lane), existing or not.
    for (let i = 0; i < 4; i++) {
      const other = await createCustomerWithAdmin(rt.deps);
      unknown.push(await time(`nadie${i}@cliente.cl`, other.rut));
      wrong.push(await time(other.admin.email, other.rut));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Both spend one argon2id verify; without the dummy verify "unknown" would be ~0 ms.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);
  });

  it('records sign-ins, ok and failed, in the audit trail with the address', async () => {
    const client = new TestClient(rt, { 'x-forwarded-for': '203.0.113.7' });
    await client.signIn(customer.rut, customer.admin.email, customer.admin.password);
    const rows = await rt.deps.db.selectFrom('audit_events').selectAll().where('actor_user_id', '=', customer.admin.id).where('action', '=', 'sign-in.ok').execute();
    expect(rows.length).toBeGreaterThan(0);
  });

  it('refuses a POST without the CSRF field', async () => {
    const client = new TestClient(rt);
    await client.get('/ingresar');
    const res = await client.post('/ingresar', { rut: customer.rut, email: customer.admin.email, password: customer.admin.password, _csrf: 'x' });
    expect(res.status).toBe(403);
    expect(client.cookies.has('sid')).toBe(false);
  });

  it('refuses a POST from another origin', async () => {
    const client = new TestClient(rt);
    const res = await client.post('/ingresar', { rut: customer.rut, email: customer.admin.email, password: customer.admin.password }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('sends every page with the security headers', async () => {
    const res = await new TestClient(rt).get('/ingresar');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});
