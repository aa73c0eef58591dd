import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeUserAgent } from '../../../auth/list-user-sessions.ts';
import { TestClient, location } from '../../../../tests/client.ts';
import { createCustomerWithAdmin, createTechnicalUser } from '../../../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

/** The refs the page offers in its "Cerrar" forms, in page order. */
function refsOf(html: string): string[] {
  return [...html.matchAll(/name="session" value="([0-9a-f]+)"/g)].map((m) => m[1]!);
}

describe('Mi cuenta › Sesiones', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(async () => rt.close());

  async function signedIn(rut: string, email: string, password: string, ua: string) {
    const client = new TestClient(rt, { 'user-agent': ua });
    const res = await client.signIn(rut, email, password);
    expect(res.status).toBe(303);
    return client;
  }

  it('names browsers and systems in Spanish', () => {
    expect(describeUserAgent(CHROME_WINDOWS)).toBe('Chrome en Windows');
    expect(describeUserAgent(SAFARI_IPHONE)).toMatch(/Safari en iOS/);
    expect(describeUserAgent(null)).toBe('Navegador desconocido');
    expect(describeUserAgent('curl/8.0')).toBe('Navegador desconocido');
  });

  it('lists the open sessions, marks this one, and never prints the stored session id', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    const phone = await signedIn(customer.rut, customer.admin.email, customer.admin.password, SAFARI_IPHONE);
    const desk = await signedIn(customer.rut, customer.admin.email, customer.admin.password, CHROME_WINDOWS);
    const res = await desk.get('/cuenta/sesiones');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Chrome en Windows');
    expect(html).toContain('Safari en iOS');
    expect(html).toContain('Esta sesión');
    expect(html.indexOf('Chrome en Windows')).toBeLessThan(html.indexOf('Safari en iOS'));
    const ids = (await rt.deps.db.selectFrom('sessions').select('id').where('user_id', '=', customer.admin.id).execute()).map((r) => r.id);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(html).not.toContain(id);
    expect(refsOf(html)).toHaveLength(2);
    expect(await phone.get('/cuenta/sesiones').then((r) => r.status)).toBe(200);
    // Mi cuenta links here.
    expect(await (await desk.get('/cuenta')).text()).toContain('href="/cuenta/sesiones"');
  });

  it('a technical user has the page too, and a signed-out visitor is sent to sign in', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(customer.rut, tech.email, tech.password, CHROME_WINDOWS);
    expect((await client.get('/cuenta/sesiones')).status).toBe(200);
    const anon = await new TestClient(rt).get('/cuenta/sesiones');
    expect(anon.status).toBe(303);
    expect(location(anon)).toMatch(/^\/ingresar/);
  });

  it('ends another of one’s own sessions, audited as session.ended', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    const phone = await signedIn(customer.rut, customer.admin.email, customer.admin.password, SAFARI_IPHONE);
    const desk = await signedIn(customer.rut, customer.admin.email, customer.admin.password, CHROME_WINDOWS);
    const [, phoneRef] = refsOf(await (await desk.get('/cuenta/sesiones')).text());
    const res = await desk.post('/cuenta/sesiones/cerrar', { session: phoneRef! });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/cuenta/sesiones');
    // The phone is signed out, the desk is not.
    expect(location(await phone.get('/cuenta/sesiones'))).toMatch(/^\/ingresar/);
    expect((await desk.get('/cuenta/sesiones')).status).toBe(200);
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'session.ended').where('customer_id', '=', customer.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'user', actor_user_id: customer.admin.id, target_user_id: customer.admin.id });
    expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ device: 'Mobile Safari en iOS' });
  });

  it('ending the current session signs out', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    const desk = await signedIn(customer.rut, customer.admin.email, customer.admin.password, CHROME_WINDOWS);
    const [mine] = refsOf(await (await desk.get('/cuenta/sesiones')).text());
    const res = await desk.post('/cuenta/sesiones/cerrar', { session: mine! });
    expect(location(res)).toBe('/ingresar');
    expect(desk.cookies.has('sid')).toBe(false);
    expect(await rt.deps.db.selectFrom('sessions').select('id').where('user_id', '=', customer.admin.id).execute()).toHaveLength(0);
  });

  it('another user’s session (same or other customer), or a made-up ref, answers 404 and ends nothing', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const other = await createCustomerWithAdmin(rt.deps);
    const admin = await signedIn(customer.rut, customer.admin.email, customer.admin.password, CHROME_WINDOWS);
    const techClient = await signedIn(customer.rut, tech.email, tech.password, SAFARI_IPHONE);
    const otherClient = await signedIn(other.rut, other.admin.email, other.admin.password, SAFARI_IPHONE);
    const [techRef] = refsOf(await (await techClient.get('/cuenta/sesiones')).text());
    const [otherRef] = refsOf(await (await otherClient.get('/cuenta/sesiones')).text());
    for (const ref of [techRef!, otherRef!, '0'.repeat(16), "' or 1=1 --", '']) {
      const res = await admin.post('/cuenta/sesiones/cerrar', { session: ref });
      expect(res.status, ref).toBe(404);
    }
    // The full stored id of someone else's session is no key either.
    const techId = (await rt.deps.db.selectFrom('sessions').select('id').where('user_id', '=', tech.id).executeTakeFirstOrThrow()).id;
    expect((await admin.post('/cuenta/sesiones/cerrar', { session: techId })).status).toBe(404);
    expect((await techClient.get('/cuenta/sesiones')).status).toBe(200);
    expect((await otherClient.get('/cuenta/sesiones')).status).toBe(200);
    const ended = await rt.deps.db.selectFrom('audit_events').select('id').where('action', '=', 'session.ended').where('customer_id', 'in', [customer.id, other.id]).execute();
    expect(ended).toHaveLength(0);
  });

  it('ends all the others at once, keeping this one', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    const a = await signedIn(customer.rut, customer.admin.email, customer.admin.password, SAFARI_IPHONE);
    const b = await signedIn(customer.rut, customer.admin.email, customer.admin.password, SAFARI_IPHONE);
    const desk = await signedIn(customer.rut, customer.admin.email, customer.admin.password, CHROME_WINDOWS);
    const res = await desk.post('/cuenta/sesiones/cerrar-otras');
    expect(location(res)).toBe('/cuenta/sesiones');
    expect(location(await a.get('/cuenta/sesiones'))).toMatch(/^\/ingresar/);
    expect(location(await b.get('/cuenta/sesiones'))).toMatch(/^\/ingresar/);
    const html = await (await desk.get('/cuenta/sesiones')).text();
    expect(refsOf(html)).toHaveLength(1);
    expect(html).toContain('No tiene otras sesiones abiertas.');
    const audit = await rt.deps.db.selectFrom('audit_events').select('detail').where('action', '=', 'sessions.revoked-others').where('customer_id', '=', customer.id).execute();
    expect(audit.map((r) => JSON.parse(r.detail!))).toEqual([{ closed: 2 }]);
  });

  it('does not list sessions past their idle limit', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    await signedIn(customer.rut, customer.admin.email, customer.admin.password, SAFARI_IPHONE);
    rt.clock.advance(rt.config.sessionIdleMs - 60_000);
    const desk = await signedIn(customer.rut, customer.admin.email, customer.admin.password, CHROME_WINDOWS);
    rt.clock.advance(120_000);
    const html = await (await desk.get('/cuenta/sesiones')).text();
    expect(refsOf(html)).toHaveLength(1);
    expect(html).not.toContain('Safari en iOS');
  });
});
