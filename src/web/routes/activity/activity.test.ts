import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../../../audit/record-audit-event.ts';
import { TestClient } from '../../../../tests/client.ts';
import { createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

let rt: TestRuntime;
let mine: TestCustomer;
let other: TestCustomer;
let tech: { id: string; email: string; password: string };

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  mine = await createCustomerWithAdmin(rt.deps, { name: 'Panadería Sol' });
  other = await createCustomerWithAdmin(rt.deps, { name: 'Otra Empresa' });
  tech = await createTechnicalUser(rt.deps, mine.id, { name: 'Tito Técnico' });
  const at = new Date(rt.clock.now().getTime() - 3_600_000);
  await recordAuditEvent(rt.deps.db, { action: 'password.changed', at, actorUserId: tech.id, actorLabel: tech.email, customerId: mine.id, targetUserId: tech.id, targetLabel: tech.email });
  await recordAuditEvent(rt.deps.db, { action: 'user.disabled', at, actorKind: 'staff', actorUserId: null, actorStaffId: 'b0000000-0000-4000-8000-000000000002', actorLabel: 'rosa@proveedor.cl', customerId: mine.id, targetUserId: tech.id, targetLabel: tech.email, ip: '10.9.9.9' });
  await recordAuditEvent(rt.deps.db, { action: 'user.created', at, actorUserId: other.admin.id, actorLabel: 'secreto@otra.cl', customerId: other.id, targetLabel: 'nadie@otra.cl' });
});
afterAll(() => rt.close());

async function adminClient() {
  const client = new TestClient(rt);
  await client.signIn(mine.rut, mine.admin.email, mine.admin.password);
  return client;
}

describe('/actividad', () => {
  it("shows the administrator the company's own trail, the vendor as «Proveedor», with a nav entry", async () => {
    const client = await adminClient();
    const res = await client.get('/actividad');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('aria-current="page">Actividad');
    expect(html).toContain('Cambio de clave');
    expect(html).toContain('Usuario deshabilitado');
    expect(html).toContain('Proveedor');
    expect(html).toContain('Ingreso correcto'); // its own sign-in, just now
    expect(html).not.toContain('rosa@proveedor.cl');
    expect(html).not.toContain('10.9.9.9');
    expect(html).not.toContain('secreto@otra.cl');
    expect(html).not.toContain('nadie@otra.cl');
  });

  it("filters by one of the company's users; another company's user is refused with 422", async () => {
    const client = await adminClient();
    const html = await (await client.get(`/actividad?usuario=${tech.id}`)).text();
    expect(html).toContain('Cambio de clave');
    expect(html).not.toContain('Ingreso correcto');
    const res = await client.get(`/actividad?usuario=${other.admin.id}`);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Elija un usuario de la lista.');
    expect((await client.get('/actividad?desde=ayer')).status).toBe(422);
  });

  it('is forbidden to a technical user (403), and sends a signed-out visitor to sign in', async () => {
    const client = new TestClient(rt);
    await client.signIn(mine.rut, tech.email, tech.password);
    const res = await client.get('/actividad');
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('Cambio de clave');
    expect((await new TestClient(rt).get('/actividad')).status).toBe(303);
  });
});
