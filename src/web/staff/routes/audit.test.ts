import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuditEvent } from '../../../audit/record-audit-event.ts';
import { createCustomerWithAdmin, type TestCustomer } from '../../../../tests/factories.ts';
import { createTestStaff, signedInStaff, staffClient } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

let rt: TestRuntime;
let customer: TestCustomer;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Ferretería Aurora' });
  await recordAuditEvent(rt.deps.db, { action: 'sign-in.ok', at: rt.clock.now(), actorUserId: customer.admin.id, actorLabel: customer.admin.email, customerId: customer.id, ip: '1.2.3.4' });
  await recordAuditEvent(rt.deps.db, { action: 'sign-in.failed', at: rt.clock.now(), actorUserId: null, actorLabel: '=cmd|calc', customerId: customer.id });
});
afterAll(() => rt.close());

const exportsCount = async () => (await rt.deps.db.selectFrom('audit_events').select('id').where('action', '=', 'audit.exported').execute()).length;

describe('/proveedor/auditoria', () => {
  it('shows every event to lectura, with Spanish labels and filters', async () => {
    const { client } = await signedInStaff(rt, 'lectura');
    const res = await client.get('/proveedor/auditoria');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Ingreso correcto');
    expect(html).toContain('Ferretería Aurora');
    expect(html).toContain('Usuario del cliente');
    const filtered = await (await client.get(`/proveedor/auditoria?accion=sign-in.failed&cliente=${encodeURIComponent(customer.rut)}`)).text();
    expect(filtered).toContain('Ingreso fallido');
    expect(filtered).not.toContain('Ingreso correcto</td>');
  });

  it('answers bad filters with 422 and the message next to the field', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    const res = await client.get('/proveedor/auditoria?desde=2026-13-01&hasta=2026-01-01');
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('href="#from"');
    expect(html).toContain('debe ser un día válido');
  });

  it('is not for the editor role (403)', async () => {
    const { client } = await signedInStaff(rt, 'editor');
    expect((await client.get('/proveedor/auditoria')).status).toBe(403);
    expect((await client.get('/proveedor/auditoria.csv')).status).toBe(403);
    expect(await exportsCount()).toBe(0);
  });
});

describe('/proveedor/auditoria.csv', () => {
  it('asks for a fresh second factor first, and exports nothing until then', async () => {
    const staff = await createTestStaff(rt.deps, 'lectura');
    const client = await staffClient(rt, staff, { secondFactorAgoMs: 11 * 60_000 });
    const res = await client.get('/proveedor/auditoria.csv');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/proveedor\/verificar/);
    expect(await exportsCount()).toBe(0);
  });

  it('exports the filtered trail as formula-safe UTF-8 CSV and audits it', async () => {
    const { client, staff } = await signedInStaff(rt, 'admin');
    const res = await client.get(`/proveedor/auditoria.csv?cliente=${customer.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="auditoria-2026-03-02\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain("'=cmd|calc");
    expect(text).not.toMatch(/(^|,)=cmd/m);
    const row = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'audit.exported').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor_kind: 'staff', actor_staff_id: staff.id });
    expect(JSON.parse(row.detail!).filters).toEqual({ customer: customer.id });
  });
});
