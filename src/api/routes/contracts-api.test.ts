import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPortal, type ApiClient, type ApiPortal } from '../../../tests/api-client.ts';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../../tests/factories.ts';
import { formatRut } from '../../domain/rut.ts';

// The runtime's day: Monday 2 March 2026 in Santiago (tests/test-runtime.ts).
let portal: ApiPortal;
let api: ApiClient;
let reader: ApiClient;
let customer: TestCustomer;

beforeAll(async () => {
  portal = await startApiPortal({ withHelp: true });
  api = await portal.client(['customers:read', 'contracts:write'], 'crm');
  reader = await portal.client(['customers:read'], 'lector');
  customer = await createCustomerWithAdmin(portal.rt.deps);
});
afterAll(() => portal.close());

const contractsOf = (customerId: string) => portal.rt.deps.db.selectFrom('contracts').selectAll().where('customer_id', '=', customerId).execute();
const auditOf = (action: string, customerId: string) =>
  portal.rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action).where('customer_id', '=', customerId).execute();

describe('POST /customers/{rut}/contracts', () => {
  it('creates a contract for the RUT typed in any form: 201, Location, ETag, the resource with its state; audited with the token as actor', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const body = (b: string) => `/customers/${encodeURIComponent(b)}/contracts`;
    const forms = [formatRut(c.rut), c.rut, c.rut.replace('-', '')];
    const plans = ['Plan Pyme', 'Plan Grande', 'Plan Futuro'];
    const days = [['2026-01-01', '2026-12-31'], ['2025-01-01', '2026-01-31'], ['2026-04-01', null]] as const;
    const answers = [];
    for (const [i, form] of forms.entries()) {
      answers.push(await api.post(body(form), { system: 'contabilidad', plan: plans[i], startsOn: days[i]![0], endsOn: days[i]![1] }));
    }
    for (const res of answers) {
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/api/v1/contracts/${res.body.id}`);
      expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    }
    expect(answers.map((r) => r.body.state)).toEqual(['vigente', 'terminado', 'por-comenzar']);
    expect(answers[0]!.body).toEqual({
      id: answers[0]!.body.id, customerRut: c.rut, system: { slug: 'contabilidad', name: expect.any(String) }, plan: 'Plan Pyme',
      startsOn: '2026-01-01', endsOn: '2026-12-31', state: 'vigente',
    });
    expect(await contractsOf(c.id)).toHaveLength(3);
    const audit = await auditOf('contract.added', c.id);
    expect(audit).toHaveLength(3);
    expect(audit[0]).toMatchObject({ actor_kind: 'api' });
    expect(audit[0]!.actor_label).toContain('crm');

    // What GET /contracts/{id} says, with the same ETag as the creation's.
    const got = await reader.get(`/contracts/${answers[0]!.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(answers[0]!.body);
    expect(got.headers.get('etag')).toBe(answers[0]!.headers.get('etag'));
  });

  it('says what is wrong with each field, in Spanish, with a pointer, and saves nothing', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const path = `/customers/${c.rut}/contracts`;
    const bad = await api.post(path, { system: '', plan: '', startsOn: '2026-02-30', endsOn: 'mañana' });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('validation');
    const byPointer = Object.fromEntries(bad.body.errors.map((e: { pointer: string; detail: string }) => [e.pointer, e.detail]));
    expect(byPointer).toEqual({
      '/system': 'Elija el sistema contratado.',
      '/plan': 'Ingrese el plan contratado.',
      '/startsOn': 'La fecha de inicio debe ser un día válido AAAA-MM-DD.',
      '/endsOn': 'La fecha de término debe ser un día válido AAAA-MM-DD.',
    });

    const unknown = await api.post(path, { system: 'no-existe', plan: 'Plan Pyme', startsOn: '2026-01-01' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ pointer: '/system', detail: 'No existe el sistema "no-existe".' }]);

    const backwards = await api.post(path, { system: 'contabilidad', plan: 'Plan Pyme', startsOn: '2026-05-01', endsOn: '2026-04-30' });
    expect(backwards.status).toBe(422);
    expect(backwards.body.errors).toEqual([{ pointer: '/endsOn', detail: 'La fecha de término no puede ser anterior a la de inicio.' }]);

    const missing = await api.post(path, {});
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/plan', '/startsOn', '/system']);

    const notObject = await api.post(path, [1, 2]);
    expect(notObject.status).toBe(422);
    const year = await api.post(path, { system: 'contabilidad', plan: 'Plan Pyme', startsOn: '0001-01-01' });
    expect(year.body.errors[0]).toMatchObject({ pointer: '/startsOn', detail: expect.stringContaining('1900') });
    expect(await contractsOf(c.id)).toHaveLength(0);
  });

  it('answers a RUT that is not valid with 422 on the path, and an unknown one with 404 customer-not-found', async () => {
    const wrongDigit = customer.rut.replace(/.$/, (d) => (d === '0' ? '1' : '0'));
    const invalid = await api.post(`/customers/${wrongDigit}/contracts`, { system: 'contabilidad', plan: 'P', startsOn: '2026-01-01' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([{ pointer: '/param/rut', detail: expect.stringMatching(/dígito verificador/i) }]);
    const nobody = await api.post('/customers/11.111.111-1/contracts', { system: 'contabilidad', plan: 'P', startsOn: '2026-01-01' });
    expect(nobody.status).toBe(404);
    expect(nobody.body.code).toBe('customer-not-found');
    expect((await reader.get('/customers/11111111-1/contracts')).status).toBe(404);
  });

  it('needs contracts:write (403 for a reader, nothing created)', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const res = await reader.post(`/customers/${c.rut}/contracts`, { system: 'contabilidad', plan: 'P', startsOn: '2026-01-01' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient-scope');
    expect(await contractsOf(c.id)).toHaveLength(0);
  });
});

describe('GET /customers/{rut}/contracts and /contracts/{id}', () => {
  it('lists a customer\'s contracts with their states, and only theirs', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const other = await createCustomerWithAdmin(portal.rt.deps);
    await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-03-02', '2026-03-02');
    await addContractFor(portal.rt.deps, c.id, 'remuneraciones', '2026-03-03');
    await addContractFor(portal.rt.deps, c.id, 'inventario', '2020-01-01', '2026-03-01');
    await addContractFor(portal.rt.deps, other.id, 'contabilidad', '2026-01-01');
    const res = await reader.get(`/customers/${formatRut(c.rut)}/contracts`);
    expect(res.status).toBe(200);
    const states = Object.fromEntries(res.body.items.map((k: { system: { slug: string }; state: string }) => [k.system.slug, k.state]));
    // Santiago's 2 March: the last day included, the first day of tomorrow not yet.
    expect(states).toEqual({ contabilidad: 'vigente', remuneraciones: 'por-comenzar', inventario: 'terminado' });
    expect(res.body.items.every((k: { customerRut: string }) => k.customerRut === c.rut)).toBe(true);
  });

  it('answers 404 contract-not-found for an id that is not a contract, UUID or not', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nada', '%00']) {
      const res = await reader.get(`/contracts/${id}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('contract-not-found');
    }
    // A change of what cannot be a contract is a 404 whatever its body: "ending" is not a contract missing its plan.
    for (const [method, path] of [['PATCH', '/contracts/ending'], ['POST', '/contracts/nada/end'], ['PATCH', '/contracts/%00']] as const) {
      const res = await api.call(method, path, { body: {} });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code).toBe('contract-not-found');
    }
    const head = await fetch(`${portal.base}/api/v1/contracts/ending`, { method: 'HEAD', headers: { authorization: `Bearer ${api.token}` } });
    expect(head.status).toBe(200);
  });

  it('computes the state on Santiago\'s calendar: a contract ending today is still vigente at 23:59 there, terminado at 00:00', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const id = await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-01', '2026-03-02');
    const clock = portal.rt.clock;
    const start = clock.now();
    try {
      clock.set(new Date('2026-03-03T02:59:00Z')); // 23:59 on 2 March in Santiago (UTC-3)
      expect((await reader.get(`/contracts/${id}`)).body.state).toBe('vigente');
      const before = (await reader.get(`/contracts/${id}`)).headers.get('etag');
      clock.set(new Date('2026-03-03T03:00:00Z'));
      const after = await reader.get(`/contracts/${id}`);
      expect(after.body.state).toBe('terminado');
      // What a client sees changed, so its version did too.
      expect(after.headers.get('etag')).not.toBe(before);
    } finally {
      clock.set(start);
    }
  });
});

describe('PATCH /contracts/{id} (plan) and POST /contracts/{id}/end, with ETag and If-Match', () => {
  it('changes the plan, with or without If-Match; a stale ETag is 412 and changes nothing', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const id = await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-01');
    const first = await reader.get(`/contracts/${id}`);
    const etag = first.headers.get('etag')!;

    const changed = await api.patch(`/contracts/${id}`, { plan: 'Plan Grande' }, { headers: { 'if-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.body.plan).toBe('Plan Grande');
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.headers.get('etag')).toBe((await reader.get(`/contracts/${id}`)).headers.get('etag'));

    const stale = await api.patch(`/contracts/${id}`, { plan: 'Plan Otro' }, { headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition-failed');
    const weak = await api.patch(`/contracts/${id}`, { plan: 'Plan Otro' }, { headers: { 'if-match': `W/${changed.headers.get('etag')}` } });
    expect(weak.status).toBe(412);
    expect((await reader.get(`/contracts/${id}`)).body.plan).toBe('Plan Grande');

    const star = await api.patch(`/contracts/${id}`, { plan: 'Plan Estrella' }, { headers: { 'if-match': '*' } });
    expect(star.status).toBe(200);
    const listed = await api.patch(`/contracts/${id}`, { plan: 'Plan Lista' }, { headers: { 'if-match': `"otro", ${star.headers.get('etag')}` } });
    expect(listed.status).toBe(200);
    const blind = await api.patch(`/contracts/${id}`, { plan: 'Plan Final' });
    expect(blind.status).toBe(200);
    expect(blind.body.plan).toBe('Plan Final');
    const audit = await auditOf('contract.plan-changed', c.id);
    expect(audit.map((a) => JSON.parse(a.detail!).plan)).toEqual(['Plan Grande', 'Plan Estrella', 'Plan Lista', 'Plan Final']);

    const empty = await api.patch(`/contracts/${id}`, { plan: '  ' });
    expect(empty.status).toBe(422);
    expect(empty.body.errors).toEqual([{ pointer: '/plan', detail: 'Ingrese el plan contratado.' }]);
    expect((await api.patch('/contracts/00000000-0000-4000-8000-000000000000', { plan: 'X' })).status).toBe(404);
    expect((await reader.patch(`/contracts/${id}`, { plan: 'X' })).status).toBe(403);
  });

  it('two changes at once with the same If-Match: one wins, the other gets 412, one audit row (plan and end alike)', async () => {
    for (let round = 0; round < 3; round++) {
      const c = await createCustomerWithAdmin(portal.rt.deps);
      const id = await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-01');
      const etag = (await reader.get(`/contracts/${id}`)).headers.get('etag')!;
      const answers = await Promise.all([
        api.patch(`/contracts/${id}`, { plan: 'Plan A' }, { headers: { 'if-match': etag } }),
        api.patch(`/contracts/${id}`, { plan: 'Plan B' }, { headers: { 'if-match': etag } }),
        api.post(`/contracts/${id}/end`, { endsOn: '2026-06-30' }, { headers: { 'if-match': etag } }),
      ]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 412, 412]);
      const winner = answers.find((a) => a.status === 200)!;
      const now = await reader.get(`/contracts/${id}`);
      expect(now.body).toEqual(winner.body);
      const changes = [...(await auditOf('contract.plan-changed', c.id)), ...(await auditOf('contract.ended', c.id))];
      expect(changes).toHaveLength(1);
    }
  });

  it('ends a contract on a given last day: the state follows, end before start is a field error, an ended one can be moved', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const id = await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-15');
    const ended = await api.post(`/contracts/${id}/end`, { endsOn: '2026-03-01' });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ endsOn: '2026-03-01', state: 'terminado' });
    expect(ended.headers.get('etag')).toBeTruthy();

    const moved = await api.post(`/contracts/${id}/end`, { endsOn: ' 2026-12-31 ' }, { headers: { 'if-match': ended.headers.get('etag')! } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ endsOn: '2026-12-31', state: 'vigente' });

    const before = await api.post(`/contracts/${id}/end`, { endsOn: '2026-01-14' });
    expect(before.status).toBe(422);
    expect(before.body.errors).toEqual([{ pointer: '/endsOn', detail: 'La fecha de término no puede ser anterior a la de inicio.' }]);
    const none = await api.post(`/contracts/${id}/end`, {});
    expect(none.status).toBe(422);
    expect(none.body.errors[0].pointer).toBe('/endsOn');
    const notDay = await api.post(`/contracts/${id}/end`, { endsOn: '31-12-2026' });
    expect(notDay.body.errors).toEqual([{ pointer: '/endsOn', detail: 'La fecha de término debe ser un día válido AAAA-MM-DD.' }]);
    const stale = await api.post(`/contracts/${id}/end`, { endsOn: '2026-06-30' }, { headers: { 'if-match': ended.headers.get('etag')! } });
    expect(stale.status).toBe(412);
    expect((await reader.get(`/contracts/${id}`)).body.endsOn).toBe('2026-12-31');
    expect((await reader.post(`/contracts/${id}/end`, { endsOn: '2026-06-30' })).status).toBe(403);
  });
});

describe('GET /contracts/ending', () => {
  it('lists contracts in force ending within N days, by last day, a page at a time with a cursor that holds while rows are added', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps, { name: 'Terminan Pronto' });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-01', `2026-03-${String(2 + i * 4).padStart(2, '0')}`));
    await addContractFor(portal.rt.deps, c.id, 'inventario', '2026-01-01', '2026-03-01'); // ended yesterday
    await addContractFor(portal.rt.deps, c.id, 'inventario', '2026-03-05', '2026-03-06'); // not started yet
    await addContractFor(portal.rt.deps, c.id, 'inventario', '2026-01-01', '2026-06-01'); // beyond 30 days
    const mine = (items: { customerRut: string; id: string; endsOn: string }[]) => items.filter((k) => k.customerRut === c.rut);

    const all = await reader.get('/contracts/ending?days=30&limit=200');
    expect(all.status).toBe(200);
    expect(mine(all.body.items).map((k: { id: string }) => k.id)).toEqual(ids);
    expect(mine(all.body.items)[0]).toMatchObject({ daysLeft: 0, state: 'vigente', customerName: 'Terminan Pronto', endsOn: '2026-03-02' });
    expect(all.body.nextCursor).toBeNull();
    const week = await reader.get('/contracts/ending?days=7&limit=200');
    expect(mine(week.body.items).map((k: { endsOn: string }) => k.endsOn)).toEqual(['2026-03-02', '2026-03-06']);

    // Pages of 2: every contract once, in order, even with one added before the cursor in the middle of the walk.
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await reader.get(`/contracts/ending?days=30&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((k) => k.id));
      cursor = page.body.nextCursor;
      if (++pages === 2) await addContractFor(portal.rt.deps, c.id, 'remuneraciones', '2026-01-01', '2026-03-02');
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const allIds = all.body.items.map((k: { id: string }) => k.id);
    expect(seen.filter((id) => allIds.includes(id))).toEqual(allIds);
  });

  it('refuses a days or limit out of range and a made-up cursor with 422, in Spanish', async () => {
    for (const q of ['days=-1', 'days=366', 'days=tres', 'days=1.5', 'limit=0', 'limit=201']) {
      const res = await reader.get(`/contracts/ending?${q}`);
      expect(res.status, q).toBe(422);
      expect(res.body.errors[0].pointer).toMatch(/^\/query\/(days|limit)$/);
      expect(res.body.errors[0].detail).toMatch(/número entero/);
    }
    const bad = await reader.get('/contracts/ending?cursor=nada');
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('invalid-cursor');
    // A cursor of another window is not silently applied to this one.
    const c = await createCustomerWithAdmin(portal.rt.deps);
    for (let i = 0; i < 3; i++) await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-01', '2026-03-03');
    const first = await reader.get('/contracts/ending?days=30&limit=1');
    const other = await reader.get(`/contracts/ending?days=60&limit=1&cursor=${first.body.nextCursor}`);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('invalid-cursor');
  });
});
