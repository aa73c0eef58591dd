import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../tests/client.ts';
import { createCustomerWithAdmin, type TestCustomer } from '../../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';

// The address a failed sign-in is throttled and audited under must be the
// one the nearest trusted proxy saw, never what the client wrote into
// X-Forwarded-For itself.

async function failedSignIn(rt: TestRuntime, customer: TestCustomer, headers: Record<string, string>, socketAddress?: string) {
  const env = socketAddress ? { incoming: { socket: { remoteAddress: socketAddress } } } : undefined;
  const first = await rt.app.request('/ingresar', { headers }, env);
  const csrf = /csrf=([\w-]{43})/.exec(first.headers.getSetCookie().join(';'))![1]!;
  const body = new URLSearchParams({ _csrf: csrf, rut: customer.rut, email: customer.admin.email, password: 'no es la clave' });
  const res = await rt.app.request(
    '/ingresar',
    { method: 'POST', body: body.toString(), headers: { ...headers, cookie: `csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' } },
    env,
  );
  expect(res.status).toBe(401);
}

async function auditedAddresses(rt: TestRuntime, customer: TestCustomer) {
  const rows = await rt.deps.db.selectFrom('audit_events').select('ip').where('actor_label', '=', customer.admin.email).where('action', 'like', 'sign-in.%').execute();
  return rows.map((r) => r.ip);
}

async function throttleKeysWith(rt: TestRuntime, address: string) {
  return rt.deps.db.selectFrom('throttles').select('key').where('key', 'like', `%${address}%`).execute();
}

describe('client address behind one trusted proxy (TRUST_PROXY=true)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(() => rt.close());

  it('audits and throttles a failed sign-in under the address the proxy appended, not the one the client wrote', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended 198.51.100.9, the address it saw.
    await failedSignIn(rt, customer, { 'x-forwarded-for': '6.6.6.6, 198.51.100.9' });
    expect(await auditedAddresses(rt, customer)).toEqual(['198.51.100.9']);
    expect(await throttleKeysWith(rt, '198.51.100.9')).not.toEqual([]);
    expect(await throttleKeysWith(rt, '6.6.6.6')).toEqual([]);
  });

  it('cannot be made to spread one client over many addresses by varying the left of the header', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    for (let i = 0; i < 5; i++) await failedSignIn(rt, customer, { 'x-forwarded-for': `10.${i}.0.1, 198.51.100.10` });
    expect(new Set(await auditedAddresses(rt, customer))).toEqual(new Set(['198.51.100.10']));
  });

  it('keeps TestClient\'s own address working (one entry, the rightmost)', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    const client = new TestClient(rt, { 'x-forwarded-for': '203.0.113.77' });
    await client.signIn(customer.rut, customer.admin.email, 'no es la clave');
    expect(await auditedAddresses(rt, customer)).toEqual(['203.0.113.77']);
  });
});

describe('client address behind listed proxies (TRUST_PROXY=10.0.0.0/8)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false, env: { TRUST_PROXY: '10.0.0.0/8' } });
  });
  afterAll(() => rt.close());

  it('steps over the listed proxies and stops at the first address that is not one', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    // Client → edge proxy 10.0.0.3 → internal proxy 10.0.0.2 → portal; the client wrote 6.6.6.6 itself.
    await failedSignIn(rt, customer, { 'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.0.0.3' }, '10.0.0.2');
    expect(await auditedAddresses(rt, customer)).toEqual(['203.0.113.5']);
    expect(await throttleKeysWith(rt, '203.0.113.5')).not.toEqual([]);
    expect(await throttleKeysWith(rt, '6.6.6.6')).toEqual([]);
  });

  it('ignores the header on a connection that does not come from a listed proxy', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    await failedSignIn(rt, customer, { 'x-forwarded-for': '6.6.6.6' }, '198.51.100.20');
    expect(await auditedAddresses(rt, customer)).toEqual(['198.51.100.20']);
  });
});

describe('client address with no proxy trusted (TRUST_PROXY=false)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false, env: { TRUST_PROXY: 'false' } });
  });
  afterAll(() => rt.close());

  it('takes the socket\'s address and ignores X-Forwarded-For', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    await failedSignIn(rt, customer, { 'x-forwarded-for': '6.6.6.6' }, '::ffff:198.51.100.30');
    expect(await auditedAddresses(rt, customer)).toEqual(['198.51.100.30']);
  });
});
