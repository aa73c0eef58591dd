import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../tests/factories.ts';
import { CookieBrowser, startCachedPortal, type CachedPortal } from '../../tests/cached-portal.ts';
import type { TestRuntime } from '../../tests/test-runtime.ts';
import type { PageCache } from './page-cache.ts';

// The page cache in front of the real server, over real HTTP, on a SQLite
// file or a PostgreSQL schema. What matters: a hit is exactly what the
// framework would send, and nothing that ends a session or changes a page
// is ever hidden by it.

let portal: CachedPortal;
let rt: TestRuntime;
let cache: PageCache;
let customer: TestCustomer;
class Browser extends CookieBrowser {
  constructor() {
    super(portal);
  }
}

beforeAll(async () => {
  portal = await startCachedPortal();
  ({ rt, cache } = portal);
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Librería El Quijote' });
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(() => portal.close());

describe('page cache', () => {
  it('exists and answers the second visit with the very same page', async () => {
    expect(cache).toBeDefined();
    const b = new Browser();
    await b.signIn(customer.rut, customer.admin.email, customer.admin.password);
    const first = await b.request('/servicios');
    const hitsBefore = cache.hits;
    const second = await b.request('/servicios');
    expect(cache.hits).toBe(hitsBefore + 1);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('content-security-policy')).toBe(first.headers.get('content-security-policy'));
    expect(second.headers.get('cache-control')).toBe('no-store');
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
  });

  it('never serves one session the page of another', async () => {
    const a = new Browser();
    await a.signIn(customer.rut, customer.admin.email, customer.admin.password);
    await a.warm('/servicios');
    const tech = await createTechnicalUser(rt.deps, customer.id, { name: 'Otra Persona' });
    const t = new Browser();
    await t.signIn(customer.rut, tech.email, tech.password);
    const page = await t.request('/servicios');
    expect(page.status).toBe(403);
    expect((await t.request('/ayuda')).text).toContain('Otra Persona');
  });

  it('stops at once when the session ends elsewhere (sign-out of other sessions)', async () => {
    const a = new Browser();
    const b = new Browser();
    await a.signIn(customer.rut, customer.admin.email, customer.admin.password);
    await b.signIn(customer.rut, customer.admin.email, customer.admin.password);
    expect((await a.warm('/servicios')).status).toBe(200);
    await b.request('/cuenta/cerrar-otras', { form: {} });
    const after = await a.request('/servicios');
    expect(after.status).toBe(303);
    expect(after.location).toContain('/ingresar');
  });

  it('stops at once when the administrator disables the user', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const t = new Browser();
    await t.signIn(customer.rut, tech.email, tech.password);
    expect((await t.warm('/ayuda/contabilidad')).status).toBe(200);
    const admin = new Browser();
    await admin.signIn(customer.rut, customer.admin.email, customer.admin.password);
    await admin.request(`/usuarios/${tech.id}/deshabilitar`, { form: {} });
    expect((await t.request('/ayuda/contabilidad')).status).toBe(303);
  });

  it('sees a contract ended by another process (the operator CLI) on the next request', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const contractId = await addContractFor(rt.deps, c.id, 'remuneraciones', '2025-01-01');
    const b = new Browser();
    await b.signIn(c.rut, c.admin.email, c.admin.password);
    expect((await b.warm('/ayuda/remuneraciones')).status).toBe(200);
    await portal.outside('update contracts set ends_on = ? where id = ?', ['2026-03-01', contractId]);
    expect((await b.request('/ayuda/remuneraciones')).status).toBe(404);
  });

  it('lets the idle timeout and the change of day through to the framework', async () => {
    const b = new Browser();
    await b.signIn(customer.rut, customer.admin.email, customer.admin.password);
    await b.warm('/servicios');
    rt.clock.advance(31 * 60_000);
    expect((await b.request('/servicios')).status).toBe(303);

    rt.clock.set(new Date('2026-03-03T02:50:00Z')); // 23:50 in Santiago
    await b.signIn(customer.rut, customer.admin.email, customer.admin.password);
    await b.warm('/servicios');
    const hits = cache.hits;
    rt.clock.advance(20 * 60_000); // 00:10, a new day: contracts in force may differ
    expect((await b.request('/servicios')).status).toBe(200);
    expect(cache.hits).toBe(hits);
  });

  it('leaves flash messages and query strings to the framework', async () => {
    const b = new Browser();
    await b.signIn(customer.rut, customer.admin.email, customer.admin.password);
    // A help page the cache keeps (the help home itself never is: help/news/record-help-visit.ts).
    await b.warm('/ayuda/contabilidad');
    const hits = cache.hits;
    b.cookies.set('flash', Buffer.from('Aviso de prueba').toString('base64url'));
    expect((await b.request('/ayuda/contabilidad')).text).toContain('Aviso de prueba');
    expect((await b.request('/ayuda/contabilidad?x=1')).status).toBe(200);
    expect(cache.hits).toBe(hits);
  });
});
