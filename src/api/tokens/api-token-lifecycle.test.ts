import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPortal, type ApiPortal } from '../../../tests/api-client.ts';
import { captureLog } from '../../../tests/log-capture.ts';
import { signedInStaff } from '../../../tests/staff-fixtures.ts';
import type { TestClient } from '../../../tests/client.ts';
import { hashToken } from '../../auth/token.ts';

/**
 * A token's life as a vendor lives it: made in the console by an
 * administrator, used over real HTTP (every answer checked against the
 * OpenAPI document), its last use stamped at most once a minute, revoked
 * in the console (the very next call refused), or run out (refused too).
 */
let portal: ApiPortal;
let admin: TestClient;

beforeAll(async () => {
  portal = await startApiPortal({ withHelp: true });
  ({ client: admin } = await signedInStaff(portal.rt, 'admin'));
});
afterAll(() => portal.close());

async function createInConsole(name: string, scopes: string, days = '30'): Promise<string> {
  const res = await admin.post('/proveedor/api/nuevo', { name, scopes, expiresInDays: days });
  expect(res.status).toBe(200);
  const token = /mpt_[0-9a-f]{8}\.[A-Za-z0-9_-]{43}/.exec(await res.text())?.[0];
  expect(token).toBeDefined();
  return token!;
}

const row = (token: string) => portal.rt.deps.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();

describe('an API token from the console to revocation', () => {
  it('works as soon as it is created, with its limits in the answer; the database has only its hash', async () => {
    const token = await createInConsole('Facturación', 'customers:read');
    const api = portal.anonymous(token);
    const res = await api.get('/systems', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe(String(portal.rt.config.apiRateLimit.perMinute));
    expect(Number(res.headers.get('ratelimit-remaining'))).toBe(portal.rt.config.apiRateLimit.perMinute - 1);
    expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect(res.headers.get('ratelimit-policy')).toMatch(/^\d+;w=60/);
    const stored = await row(token);
    expect(stored.token_hash).toBe(hashToken(token));
    expect(Object.values(stored).join(' ')).not.toContain(token.split('.')[1]);
  });

  it('never reaches the log: not the creation, not a call with it, not a refused call', async () => {
    const lines = captureLog(portal.rt);
    const token = await createInConsole('Registrado', 'customers:read');
    const api = portal.anonymous(token);
    expect((await api.get('/systems')).status).toBe(200);
    expect((await api.get('/no-existe')).status).toBe(404);
    expect(lines.some((l) => l.includes('"path":"/proveedor/api/nuevo"'))).toBe(true);
    expect(lines.some((l) => l.includes('"path":"/api/v1/systems"'))).toBe(true);
    expect(lines.filter((l) => l.includes(token.split('.')[1]!))).toEqual([]);
  });

  it('records its last use and address, written at most once a minute', async () => {
    ({ client: admin } = await signedInStaff(portal.rt, 'admin'));
    const token = await createInConsole('CRM', 'customers:read');
    const api = portal.anonymous(token);
    expect((await row(token)).last_used_at).toBeNull();
    const t0 = portal.rt.clock.now().toISOString();
    expect((await api.get('/systems', { headers: { 'x-forwarded-for': '203.0.113.10' } })).status).toBe(200);
    expect(await row(token)).toMatchObject({ last_used_at: t0, last_used_ip: '203.0.113.10' });
    portal.rt.clock.advance(30_000);
    expect((await api.get('/systems', { headers: { 'x-forwarded-for': '203.0.113.11' } })).status).toBe(200);
    expect(await row(token)).toMatchObject({ last_used_at: t0, last_used_ip: '203.0.113.10' });
    portal.rt.clock.advance(31_000);
    const t1 = portal.rt.clock.now().toISOString();
    expect((await api.get('/systems', { headers: { 'x-forwarded-for': '203.0.113.12' } })).status).toBe(200);
    expect(await row(token)).toMatchObject({ last_used_at: t1, last_used_ip: '203.0.113.12' });
    // Many calls at once within the minute: still that one stamp.
    portal.rt.clock.advance(61_000);
    const t2 = portal.rt.clock.now().toISOString();
    const all = await Promise.all(Array.from({ length: 20 }, () => api.get('/systems')));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect((await row(token)).last_used_at).toBe(t2);
    const list = await (await admin.get('/proveedor/api')).text();
    // The console shows the last stamp: the burst's, from the test's own address.
    expect(list).toContain('desde 127.0.0.1');
  });

  it('is refused on the very next call once revoked in the console', async () => {
    // The clock moved past the console session's idle limit above.
    ({ client: admin } = await signedInStaff(portal.rt, 'admin'));
    const token = await createInConsole('Revocable', 'customers:read');
    const api = portal.anonymous(token);
    expect((await api.get('/systems')).status).toBe(200);
    const id = (await row(token)).id;
    expect((await admin.get(`/proveedor/api/${id}/revocar`)).status).toBe(200);
    expect((await admin.post(`/proveedor/api/${id}/revocar`)).status).toBe(303);
    const refused = await api.get('/systems');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(refused.body).toMatchObject({ code: 'unauthorized', detail: 'El token fue revocado.' });
  });

  it('is refused once it runs out, and the console shows it as vencido', async () => {
    const token = await createInConsole('De un día', 'customers:read', '1');
    const api = portal.anonymous(token);
    expect((await api.get('/systems')).status).toBe(200);
    portal.rt.clock.advance(86_400_000);
    const refused = await api.get('/systems');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'unauthorized', detail: 'El token venció. Cree uno nuevo en la consola.' });
    // A day on, the console session has long ended: a new one.
    const { client: later } = await signedInStaff(portal.rt, 'lectura');
    expect(await (await later.get('/proveedor/api')).text()).toMatch(/De un día[\s\S]*?Vencido/);
  });
});
