import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInStaff } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import type { TestClient } from '../../../../tests/client.ts';

// An id in a console path is the visitor's to choose: a NUL (which PostgreSQL
// refuses in text, so the lookup itself failed: a 500), a non-UUID, a long
// one. Every page that takes one answers 404 (or its own refusal), never 5xx,
// for staff with every right (the console fuzz found /proveedor/api/%00/revocar).

const IDS = ['%00', 'x%00y', 'no-es-un-id', '00000000-0000-0000-0000-000000000000', 'a'.repeat(300), '%E2%80%AE'];
const ROUTES: [method: 'GET' | 'POST', path: string][] = [
  ['GET', '/proveedor/api/:id/revocar'],
  ['POST', '/proveedor/api/:id/revocar'],
  ['GET', '/proveedor/webhooks/:id'],
  ['GET', '/proveedor/webhooks/:id/editar'],
  ['POST', '/proveedor/webhooks/:id/editar'],
  ['POST', '/proveedor/webhooks/:id/pausar'],
  ['POST', '/proveedor/webhooks/:id/reanudar'],
  ['GET', '/proveedor/webhooks/:id/eliminar'],
  ['POST', '/proveedor/webhooks/:id/eliminar'],
  ['POST', '/proveedor/webhooks/:id/secreto'],
  ['GET', '/proveedor/webhooks/:id/rotar-secreto'],
  ['POST', '/proveedor/webhooks/:id/rotar-secreto'],
  ['GET', '/proveedor/webhooks/envios/:id'],
  ['POST', '/proveedor/webhooks/envios/:id/reenviar'],
  ['GET', '/proveedor/clientes/:id'],
];

let rt: TestRuntime;
let admin: TestClient;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  admin = (await signedInStaff(rt, 'admin')).client;
});
afterAll(() => rt.close());

describe('console pages with an id in the path', () => {
  it('answer a hostile or unknown id without a 5xx', async () => {
    const failures: string[] = [];
    for (const [method, route] of ROUTES) {
      for (const id of IDS) {
        const path = route.replace(':id', id);
        const res = method === 'GET' ? await admin.get(path) : await admin.post(path, { revision: '0', url: 'https://hooks.example.cl/x', description: 'x', confirm: 'si' });
        if (res.status >= 500) failures.push(`${method} ${path} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answer a NUL in a filter without a 5xx', async () => {
    for (const path of ['/proveedor/webhooks/envios?webhook=%00', '/proveedor/webhooks/envios?estado=x%00', '/proveedor/webhooks/envios?pagina=%00', '/proveedor/clientes?q=%00', '/proveedor/auditoria?actor=%00', '/proveedor/auditoria?cliente=%00', '/proveedor/api?x=%00']) {
      expect((await admin.get(path)).status, path).toBeLessThan(500);
    }
  });
});
