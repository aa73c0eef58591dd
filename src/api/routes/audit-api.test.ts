import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPortal, type ApiClient, type ApiPortal } from '../../../tests/api-client.ts';
import { createCustomerWithAdmin, newRut } from '../../../tests/factories.ts';
import { formatRut } from '../../domain/rut.ts';

let portal: ApiPortal;
let auditor: ApiClient;
let crm: ApiClient;

beforeAll(async () => {
  portal = await startApiPortal({ withHelp: false });
  auditor = await portal.client(['audit:read'], 'auditor');
  crm = await portal.client(['customers:read', 'customers:write'], 'crm');
});
afterAll(() => portal.close());

type Page = { status: number; body: { items: Array<{ id: string; action: string; actor: { kind: string; label: string }; customer: { rut: string } | null; detail: Record<string, unknown> | null; at: string }>; nextCursor: string | null } };

describe('GET /audit-events', () => {
  it('lists what the API did, newest first, with the token as actor and the customer by RUT', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps, { name: 'Auditada S.A.' });
    portal.rt.clock.advance(1000);
    await crm.patch(`/customers/${c.rut}`, { name: 'Auditada Dos S.A.' });
    const res: Page = await auditor.get(`/audit-events?customer=${encodeURIComponent(formatRut(c.rut))}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      action: 'customer.renamed',
      actionLabel: 'Cliente renombrado',
      actor: { kind: 'api', label: expect.stringMatching(/^api:crm \(mpt_/) },
      customer: { rut: c.rut, name: 'Auditada Dos S.A.' },
      detail: { from: 'Auditada S.A.', to: 'Auditada Dos S.A.' },
    });
    // Each call is in the trail too, as api.request.
    const calls: Page = await auditor.get('/audit-events?action=api.request&actorKind=api&limit=200');
    expect(calls.body.items.some((e) => e.actor.label.startsWith('api:crm') && e.detail?.method === 'PATCH' && e.detail?.path === `/api/v1/customers/${c.rut}`)).toBe(true);
  });

  it('pages with a cursor: events written meanwhile do not shift the pages that follow', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      portal.rt.clock.advance(1000);
      names.push(`Nombre ${i} Ltda.`);
      await crm.patch(`/customers/${c.rut}`, { name: names[i] });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Page = await auditor.get(`/audit-events?customer=${c.rut}&action=customer.renamed&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((e) => String(e.detail!.to)));
      cursor = res.body.nextCursor;
      if (pages++ === 0) {
        portal.rt.clock.advance(1000);
        await crm.patch(`/customers/${c.rut}`, { name: 'Posterior Ltda.' });
      }
    } while (cursor && pages < 10);
    expect(seen).toEqual([...names].reverse());
  });

  it('filters by day (Santiago) and by actor kind', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    portal.rt.clock.advance(2 * 86_400_000);
    const day = new Date(portal.rt.clock.now().getTime() - 3 * 3_600_000).toISOString().slice(0, 10);
    await crm.patch(`/customers/${c.rut}`, { name: 'Otro Día SpA' });
    const that: Page = await auditor.get(`/audit-events?customer=${c.rut}&from=${day}&to=${day}`);
    expect(that.body.items.map((e) => e.action)).toEqual(['customer.renamed']);
    const before: Page = await auditor.get(`/audit-events?customer=${c.rut}&to=2026-03-01`);
    expect(before.body.items).toEqual([]);
    const staff: Page = await auditor.get(`/audit-events?customer=${c.rut}&actorKind=staff`);
    expect(staff.body.items).toEqual([]);
  });

  it('refuses a filter that makes no sense with 422 naming the parameter, in Spanish', async () => {
    const action = await auditor.get('/audit-events?action=cliente.borrado');
    expect(action.status).toBe(422);
    expect(action.body.errors).toEqual([{ pointer: '/query/action', detail: 'Elija una acción de la lista.' }]);
    const kind = await auditor.get('/audit-events?actorKind=robot');
    expect(kind.body.errors).toEqual([{ pointer: '/query/actorKind', detail: 'Elija un tipo de actor de la lista.' }]);
    const order = await auditor.get('/audit-events?from=2026-03-05&to=2026-03-01');
    expect(order.status).toBe(422);
    expect(order.body.errors).toEqual([{ pointer: '/query/to', detail: 'La fecha «hasta» no puede ser anterior a la fecha «desde».' }]);
    const day = await auditor.get('/audit-events?from=2026-02-30');
    expect(day.body.errors).toEqual([{ pointer: '/query/from', detail: 'La fecha «desde» debe ser un día válido AAAA-MM-DD.' }]);
    const nobody = await auditor.get(`/audit-events?customer=${newRut()}`);
    expect(nobody.body.errors).toEqual([{ pointer: '/query/customer', detail: 'No hay un cliente con ese RUT.' }]);
    const cursor = await auditor.get('/audit-events?cursor=WzFd');
    expect(cursor.body.code).toBe('invalid-cursor');
  });

  it('needs audit:read', async () => {
    const res = await crm.get('/audit-events');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient-scope');
  });
});
