import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOperator, type StaffPrincipal } from '../auth/principal.ts';
import { ValidationError } from '../errors.ts';
import { createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { safeCsvCell } from './csv-cell.ts';
import { exportAuditEvents } from './export-audit-events.ts';
import { listAuditEvents } from './list-audit-events.ts';
import { recordAuditEvent } from './record-audit-event.ts';

let rt: TestRuntime;
let a: TestCustomer;
let b: TestCustomer;
const staff: StaffPrincipal = { kind: 'staff', staffId: 'a0000000-0000-4000-8000-000000000001', name: 'Rosa', email: 'rosa@proveedor.cl', role: 'soporte', ip: '10.0.0.9' };

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  a = await createCustomerWithAdmin(rt.deps);
  b = await createCustomerWithAdmin(rt.deps);
  const db = rt.deps.db;
  // Santiago is UTC-3 in March: 02:30Z on the 2nd is still 1 March there.
  await recordAuditEvent(db, { action: 'sign-in.ok', at: new Date('2026-03-02T02:30:00Z'), actorUserId: a.admin.id, actorLabel: a.admin.email, customerId: a.id, ip: '1.2.3.4' });
  await recordAuditEvent(db, { action: 'sign-in.failed', at: new Date('2026-03-02T12:00:00Z'), actorUserId: a.admin.id, actorLabel: a.admin.email, customerId: a.id });
  await recordAuditEvent(db, { action: 'customer.disabled', at: new Date('2026-03-02T13:00:00Z'), actorKind: 'staff', actorUserId: null, actorStaffId: staff.staffId, actorLabel: staff.email, customerId: a.id, ip: '10.0.0.9' });
  await recordAuditEvent(db, { action: 'contract.added', at: new Date('2026-03-02T14:00:00Z'), actorKind: 'cli', actorUserId: null, actorLabel: cliOperator('root').label, customerId: b.id, targetLabel: '=HYPERLINK("http://x")' });
});
afterAll(() => rt.close());

describe('listAuditEvents', () => {
  it('lists every kind, newest first, with the customer joined', async () => {
    const r = await listAuditEvents(rt.deps.db, {});
    expect(r.events.map((e) => e.action)).toEqual(['contract.added', 'customer.disabled', 'sign-in.failed', 'sign-in.ok']);
    expect(r.events[0]!.customerName).toBe(b.name);
    expect(r.events[0]!.actorKindLabel).toBe('Operador (terminal)');
    expect(r.events[1]!.actionLabel).toBe('Cliente deshabilitado');
  });

  it('filters by actor text (literal, any case), kind, action, customer RUT typed any way, and Santiago days', async () => {
    const db = rt.deps.db;
    expect((await listAuditEvents(db, { actor: 'ROSA@' })).events.map((e) => e.action)).toEqual(['customer.disabled']);
    expect((await listAuditEvents(db, { actor: '%' })).events).toHaveLength(0);
    expect((await listAuditEvents(db, { actorKind: 'cli' })).events.map((e) => e.action)).toEqual(['contract.added']);
    expect((await listAuditEvents(db, { action: 'sign-in.failed' })).events).toHaveLength(1);
    const dotted = a.rut.replace(/^(\d+)(\d{3})(\d{3})-/, '$1.$2.$3-');
    expect((await listAuditEvents(db, { customer: ` ${dotted} ` })).events).toHaveLength(3);
    expect((await listAuditEvents(db, { customer: a.id })).events).toHaveLength(3);
    expect((await listAuditEvents(db, { from: '2026-03-01', to: '2026-03-01' })).events.map((e) => e.action)).toEqual(['sign-in.ok']);
    expect((await listAuditEvents(db, { from: '2026-03-02' })).events).toHaveLength(3);
  });

  it('pages with a stable order', async () => {
    const p1 = await listAuditEvents(rt.deps.db, {}, { page: 1, pageSize: 3 });
    const p2 = await listAuditEvents(rt.deps.db, {}, { page: 2, pageSize: 3 });
    expect(p1.hasMore).toBe(true);
    expect(p2.hasMore).toBe(false);
    expect(new Set([...p1.events, ...p2.events].map((e) => e.id)).size).toBe(4);
  });

  it('refuses bad filters with Spanish messages keyed by field', async () => {
    const err = await listAuditEvents(rt.deps.db, { from: '2026-02-30', to: 'ayer', action: 'nada', actorKind: 'robot' }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fieldErrors).toMatchObject({ from: expect.stringContaining('día válido'), to: expect.any(String), action: 'Elija una acción de la lista.', actorKind: expect.any(String) });
    const order = await listAuditEvents(rt.deps.db, { from: '2026-03-05', to: '2026-03-01' }).catch((e) => e);
    expect(order.fieldErrors.to).toMatch(/anterior/);
    const rut = await listAuditEvents(rt.deps.db, { customer: '11.111.111-2' }).catch((e) => e);
    expect(rut.fieldErrors.customer).toMatch(/RUT/);
  });

  it("in a customer's scope: only its own rows, the vendor shown as «Proveedor» without e-mail, address or detail", async () => {
    const r = await listAuditEvents(rt.deps.db, { customer: b.id }, {}, { customerId: a.id });
    expect(r.events).toHaveLength(3);
    const vendor = r.events.find((e) => e.action === 'customer.disabled')!;
    expect(vendor).toMatchObject({ actorLabel: 'Proveedor', actorKindLabel: 'Proveedor', ip: null, detail: null });
    expect(JSON.stringify(r)).not.toContain('rosa@proveedor.cl');
    expect((await listAuditEvents(rt.deps.db, { actor: 'rosa' }, {}, { customerId: a.id })).events).toHaveLength(0);
    expect((await listAuditEvents(rt.deps.db, { userId: a.admin.id }, {}, { customerId: a.id })).events).toHaveLength(2);
  });
});

describe('exportAuditEvents', () => {
  it('writes a BOM, formula-safe cells, and audits the export with its filters', async () => {
    const { csv, rows } = await exportAuditEvents(rt.deps, staff, { actorKind: 'cli' });
    expect(rows).toBe(1);
    expect(csv.startsWith('\uFEFFfecha_utc,')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'audit.exported').executeTakeFirstOrThrow();
    expect(audit.actor_kind).toBe('staff');
    expect(JSON.parse(audit.detail!)).toMatchObject({ filters: { actorKind: 'cli' }, rows: 1 });
  });

  it('prefixes every cell a spreadsheet would run', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(safeCsvCell(s)).toBe(`'${s}`);
    expect(safeCsvCell('ana@x.cl')).toBe('ana@x.cl');
    expect(safeCsvCell(null)).toBe('');
  });
});
