import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

// "?volver=" sends a person back where they were after signing in. It must
// never send them off the site, and no value of it may turn a sign-in that
// worked into an error page (a %0A did: the session was made, then the
// redirect threw).

let rt: TestRuntime;
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(() => rt.close());

/** Query strings as a hostile link would write them, and where the browser must land. */
const HOSTILE = [
  `volver=${encodeURIComponent('/\t/evil.example')}`,
  'volver=/%09/evil.example',
  'volver=%0A',
  'volver=/servicios%0D%0ASet-Cookie:%20x=1',
  `volver=${encodeURIComponent('/%09/evil')}`,
  `volver=${encodeURIComponent('\\evil')}`,
  `volver=${encodeURIComponent('/\\evil')}`,
  `volver=${encodeURIComponent('https://evil')}`,
  `volver=${encodeURIComponent('//evil')}`,
  'volver=//evil',
  `volver=${encodeURIComponent('/.//evil.example/phish')}`,
  `volver=${encodeURIComponent('/a/..//evil.example')}`,
  'volver=%E0%A4%A', // a broken percent-escape
];

/** A redirect target stays on the portal: a path, not "//host" nor "/\host", and a valid header value. */
function expectOnSite(target: string | null) {
  expect(target).not.toBeNull();
  const url = new URL(target!, 'http://localhost');
  expect(url.origin).toBe('http://localhost');
  expect(target).toMatch(/^\/(?![/\\])/);
  expect(target).not.toMatch(/[\u0000-\u001f\u007f\\]/);
}

describe('the sign-in page\'s "volver"', () => {
  it.each(HOSTILE)('GET /ingresar?%s shows the form, with no way back off the site', async (query) => {
    const res = await new TestClient(rt).get(`/ingresar?${query}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
    expect(action).toBe('/ingresar');
  });

  it.each(HOSTILE)('POST /ingresar?%s signs in and lands on the portal\'s home, not elsewhere and never a 500', async (query) => {
    const client = new TestClient(rt);
    const res = await client.post(`/ingresar?${query}`, { rut: customer.rut, email: customer.admin.email, password: customer.admin.password });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/servicios');
    expect(client.cookies.get('sid')).toMatch(/^[\w-]{43}$/);
  });

  it.each(HOSTILE)('a failed POST /ingresar?%s shows the form again, its action on the site', async (query) => {
    const res = await new TestClient(rt).post(`/ingresar?${query}`, { rut: customer.rut, email: customer.admin.email, password: 'no es la clave' });
    expect(res.status).toBe(401);
    expect(/<form method="post" action="([^"]*)"/.exec(await res.text())?.[1]).toBe('/ingresar');
  });

  it.each([
    ['/ok?x=1', '/ok?x=1'],
    ['/ayuda/x#y', '/ayuda/x#y'],
    ['/ayuda/contabilidad/plan-de-cuentas', '/ayuda/contabilidad/plan-de-cuentas'],
  ])('keeps %j: the form posts back with it and the sign-in goes there', async (back, expected) => {
    const client = new TestClient(rt);
    const html = await (await client.get(`/ingresar?volver=${encodeURIComponent(back)}`)).text();
    expect(html).toContain(`action="/ingresar?volver=${encodeURIComponent(expected).replaceAll('&', '&amp;')}"`);
    const res = await client.post(`/ingresar?volver=${encodeURIComponent(back)}`, { rut: customer.rut, email: customer.admin.email, password: customer.admin.password });
    expect(res.status).toBe(303);
    expect(location(res)).toBe(expected);
    expectOnSite(location(res));
  });
});
