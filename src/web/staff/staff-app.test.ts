import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../tests/client.ts';
import { createCustomerWithAdmin } from '../../../tests/factories.ts';
import { signedInStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';

describe('the console is its own app under /proveedor', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(async () => rt.close());

  it('sends a signed-out visitor to the staff sign-in, never to the customer one', async () => {
    for (const path of ['/proveedor']) {
      const res = await new TestClient(rt).get(path);
      expect(res.status, path).toBe(303);
      expect(location(res), path).toMatch(/^\/proveedor\/ingresar/);
    }
  });

  it('gives a signed-in customer administrator nothing: the customer session is not even read there', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    const client = new TestClient(rt);
    await client.signIn(customer.rut, customer.admin.email, customer.admin.password);
    expect(client.cookies.has('sid')).toBe(true);
    const res = await client.get('/proveedor');
    expect(location(res)).toMatch(/^\/proveedor\/ingresar/);
    // The customer app's CSRF cookie is not set by the console, nor the console's by the customer pages.
    expect(res.headers.getSetCookie().some((c) => c.startsWith('csrf='))).toBe(false);
    expect((await new TestClient(rt).get('/ingresar')).headers.getSetCookie().some((c) => c.startsWith('staff_csrf='))).toBe(false);
  });

  it('answers an unknown console path with the console 404, not the customer app', async () => {
    const { client } = await signedInStaff(rt, 'lectura');
    const res = await client.get('/proveedor/no-existe');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('Consola del proveedor');
    expect(html).not.toContain('Mi cuenta');
  });

  it('shows the home page to a signed-in staff member, with the sections of their role only', async () => {
    const { client } = await signedInStaff(rt, 'editor');
    const res = await client.get('/proveedor');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Informes');
    expect(html).not.toContain('href="/proveedor/clientes"');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a console POST without the console CSRF token', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const res = await client.post('/proveedor/salir', { _csrf: 'x'.repeat(43) });
    expect(res.status).toBe(403);
  });
});
