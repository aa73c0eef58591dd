import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPortal, type ApiClient, type ApiPortal } from '../../tests/api-client.ts';
import { addContractFor, createCustomerWithAdmin, newRut } from '../../tests/factories.ts';
import { bodyHash, IDEMPOTENCY_TAKEOVER_MS, IDEMPOTENCY_TTL_MS } from './idempotency.ts';
import { purgeIdempotencyKeys } from './purge-idempotency-keys.ts';

let portal: ApiPortal;
let api: ApiClient;

beforeAll(async () => {
  portal = await startApiPortal({ withHelp: true });
  api = await portal.client(['customers:read', 'contracts:write'], 'facturación');
});
afterAll(() => portal.close());

const db = () => portal.rt.deps.db;
const contractsOf = (customerId: string) => db().selectFrom('contracts').selectAll().where('customer_id', '=', customerId).execute();
const addedEvents = (customerId: string) => db().selectFrom('audit_events').select('id').where('action', '=', 'contract.added').where('customer_id', '=', customerId).execute();
const newContract = { system: 'contabilidad', plan: 'Plan Pyme', startsOn: '2026-03-01', endsOn: null };
let keys = 0;
const freshKey = () => `clave-${Date.now()}-${++keys}`;

async function withClockMoved<T>(ms: number, f: () => Promise<T>): Promise<T> {
  const start = portal.rt.clock.now();
  portal.rt.clock.advance(ms);
  try {
    return await f();
  } finally {
    portal.rt.clock.set(start);
  }
}

describe('Idempotency-Key on POST', () => {
  it('replays the first answer byte for byte with Idempotent-Replayed: one contract, one audit event', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const key = freshKey();
    const first = await api.post(`/customers/${c.rut}/contracts`, newContract, { headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await api.post(`/customers/${c.rut}/contracts`, newContract, { headers: { 'idempotency-key': key } });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    for (const h of ['location', 'etag', 'content-type']) expect(again.headers.get(h), h).toBe(first.headers.get(h));
    expect(await contractsOf(c.id)).toHaveLength(1);
    expect(await addedEvents(c.id)).toHaveLength(1);

    // Without a key, the same POST is a second contract: the header is optional, and it is what makes a retry safe.
    expect((await api.post(`/customers/${c.rut}/contracts`, newContract)).status).toBe(201);
    expect(await contractsOf(c.id)).toHaveLength(2);
  });

  it('makes creating a customer safe to retry, even twenty at once: one customer, one audit event, one credentials mail', async () => {
    const creator = await portal.client(['customers:write'], 'crm de clientes');
    const rut = newRut();
    const body = { rut, name: `Reintentos ${rut} S.A.`, adminName: 'Ana Administradora', adminEmail: `ana-${rut}@reintentos.cl`.toLowerCase() };
    const headers = { 'idempotency-key': freshKey() };
    const answers = await Promise.all(Array.from({ length: 20 }, () => creator.post('/customers', body, { headers })));
    const created = answers.filter((a) => a.status === 201);
    expect(answers.every((a) => a.status === 201 || (a.status === 409 && a.body.code === 'idempotency-key-in-progress'))).toBe(true);
    expect(created.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    const later = await creator.post('/customers', body, { headers });
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
    const customers = await db().selectFrom('customers').select('id').where('rut', '=', rut).execute();
    expect(customers).toHaveLength(1);
    expect(await db().selectFrom('audit_events').select('id').where('action', '=', 'customer.created').where('customer_id', '=', customers[0]!.id).execute()).toHaveLength(1);
    expect(await db().selectFrom('outbox').select('id').where('to_address', '=', body.adminEmail).execute()).toHaveLength(1);
  });

  it('refuses the key with another body or another operation (422 idempotency-key-reused), and runs nothing', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const other = await createCustomerWithAdmin(portal.rt.deps);
    const key = freshKey();
    const headers = { 'idempotency-key': key };
    expect((await api.post(`/customers/${c.rut}/contracts`, newContract, { headers })).status).toBe(201);
    const otherBody = await api.post(`/customers/${c.rut}/contracts`, { ...newContract, plan: 'Plan Grande' }, { headers });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.code).toBe('idempotency-key-reused');
    // The same body for another customer: another operation, not a retry of the first.
    const otherCustomer = await api.post(`/customers/${other.rut}/contracts`, newContract, { headers });
    expect(otherCustomer.status).toBe(422);
    expect(otherCustomer.body.code).toBe('idempotency-key-reused');
    const id = (await contractsOf(c.id))[0]!.id;
    const otherOperation = await api.post(`/contracts/${id}/end`, { endsOn: '2026-12-31' }, { headers });
    expect(otherOperation.status).toBe(422);
    expect(await contractsOf(c.id)).toHaveLength(1);
    expect(await contractsOf(other.id)).toHaveLength(0);
    expect((await contractsOf(c.id))[0]!.ends_on).toBeNull();
  });

  it('keeps keys per token: another token\'s same key is its own', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const second = await portal.client(['contracts:write'], 'otro sistema');
    const headers = { 'idempotency-key': freshKey() };
    const a = await api.post(`/customers/${c.rut}/contracts`, newContract, { headers });
    const b = await second.post(`/customers/${c.rut}/contracts`, newContract, { headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.id).not.toBe(a.body.id);
  });

  it('20 POSTs at once with one key: exactly one runs; the others replay it or get 409 with Retry-After', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const headers = { 'idempotency-key': freshKey() };
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.post(`/customers/${c.rut}/contracts`, newContract, { headers })));
    const created = answers.filter((a) => a.status === 201);
    const busy = answers.filter((a) => a.status === 409);
    expect(created.length + busy.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(new Set(created.map((a) => a.text)).size).toBe(1);
    for (const b of busy) {
      expect(b.body.code).toBe('idempotency-key-in-progress');
      expect(Number(b.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(await contractsOf(c.id)).toHaveLength(1);
    expect(await addedEvents(c.id)).toHaveLength(1);
    // Once the first is done, everyone gets its answer.
    const late = await api.post(`/customers/${c.rut}/contracts`, newContract, { headers });
    expect(late.status).toBe(201);
    expect(late.text).toBe(created[0]!.text);
  });

  it('keeps a 4xx too: the same mistaken body replays its 422; a corrected body needs a new key', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const headers = { 'idempotency-key': freshKey() };
    const wrong = { ...newContract, system: 'no-existe' };
    const first = await api.post(`/customers/${c.rut}/contracts`, wrong, { headers });
    expect(first.status).toBe(422);
    expect(first.body.code).toBe('validation');
    const replayed = await api.post(`/customers/${c.rut}/contracts`, wrong, { headers });
    expect(replayed.status).toBe(422);
    expect(replayed.text).toBe(first.text);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const corrected = await api.post(`/customers/${c.rut}/contracts`, newContract, { headers });
    expect(corrected.body.code).toBe('idempotency-key-reused');
    expect(await contractsOf(c.id)).toHaveLength(0);
  });

  it('does not keep a 5xx: once the portal is well, a retry with the same key runs', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const headers = { 'idempotency-key': freshKey() };
    // A real failure of the write: the table is gone for a moment.
    await sql`alter table contracts rename to contracts_away`.execute(db());
    let failed;
    try {
      failed = await api.post(`/customers/${c.rut}/contracts`, newContract, { headers });
    } finally {
      await sql`alter table contracts_away rename to contracts`.execute(db());
    }
    expect(failed.status).toBe(500);
    expect(await db().selectFrom('api_idempotency_keys').select('key').where('key', '=', headers['idempotency-key']).execute()).toHaveLength(0);
    const retry = await api.post(`/customers/${c.rut}/contracts`, newContract, { headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await contractsOf(c.id)).toHaveLength(1);
  });

  it('runs again after 24 hours: the key has expired', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const headers = { 'idempotency-key': freshKey() };
    const first = await api.post(`/customers/${c.rut}/contracts`, newContract, { headers });
    const within = await withClockMoved(IDEMPOTENCY_TTL_MS - 1_000, () => api.post(`/customers/${c.rut}/contracts`, newContract, { headers }));
    expect(within.headers.get('idempotent-replayed')).toBe('true');
    const after = await withClockMoved(IDEMPOTENCY_TTL_MS + 1_000, () => api.post(`/customers/${c.rut}/contracts`, newContract, { headers }));
    expect(after.status).toBe(201);
    expect(after.headers.get('idempotent-replayed')).toBeNull();
    expect(after.body.id).not.toBe(first.body.id);
    expect(await contractsOf(c.id)).toHaveLength(2);
    // And its new answer is what the key replays from now on.
    const again = await withClockMoved(IDEMPOTENCY_TTL_MS + 2_000, () => api.post(`/customers/${c.rut}/contracts`, newContract, { headers }));
    expect(again.text).toBe(after.text);
  });

  it('takes over a key whose first request died mid-way (no answer stored) after the takeover delay, not before', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const key = freshKey();
    const tokenId = (await db().selectFrom('api_tokens').select('id').where('name', '=', 'facturación').executeTakeFirstOrThrow()).id;
    const now = portal.rt.clock.now();
    // What a process killed mid-request leaves behind: its claim, without a status.
    await db()
      .insertInto('api_idempotency_keys')
      .values({
        token_id: tokenId, key, operation: `POST /api/v1/customers/${c.rut}/contracts`, body_hash: bodyHash(JSON.stringify(newContract)),
        status: null, response_headers: null, response_body: null, created_at: now.toISOString(), expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
      })
      .execute();
    const headers = { 'idempotency-key': key };
    const waiting = await api.post(`/customers/${c.rut}/contracts`, newContract, { headers });
    expect(waiting.status).toBe(409);
    expect(waiting.body.code).toBe('idempotency-key-in-progress');
    expect(waiting.headers.get('retry-after')).toBe('1');
    const taken = await withClockMoved(IDEMPOTENCY_TAKEOVER_MS + 1, async () => {
      // Several retries at once after the delay: still one takes it.
      return Promise.all(Array.from({ length: 5 }, () => api.post(`/customers/${c.rut}/contracts`, newContract, { headers })));
    });
    expect(taken.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(taken.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(await contractsOf(c.id)).toHaveLength(1);
  });

  it('refuses a malformed key with 422 on the header, before anything runs', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    for (const key of ['', 'x'.repeat(256), 'con espacio', 'ñandú', 'a\tb']) {
      const res = await api.post(`/customers/${c.rut}/contracts`, newContract, { headers: { 'idempotency-key': key } });
      expect(res.status, JSON.stringify(key)).toBe(422);
      expect(res.body.errors).toEqual([{ pointer: '/header/idempotency-key', detail: expect.stringContaining('255') }]);
    }
    expect((await api.post(`/customers/${c.rut}/contracts`, newContract, { headers: { 'idempotency-key': 'x'.repeat(255) } })).status).toBe(201);
    // A path no operation has stays a 404, whatever its key.
    const nowhere = await api.post('/no-existe', {}, { headers: { 'idempotency-key': 'con espacio' } });
    expect([nowhere.status, nowhere.body.code]).toEqual([404, 'not-found']);
    expect(await contractsOf(c.id)).toHaveLength(1);
  });

  it('makes POST /contracts/{id}/end safe to retry too, and ignores the header on other methods', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const id = await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-01');
    const headers = { 'idempotency-key': freshKey() };
    const first = await api.post(`/contracts/${id}/end`, { endsOn: '2026-06-30' }, { headers });
    expect(first.status).toBe(200);
    // Someone moves the end meanwhile; the retry replays what the first call answered and does not undo them.
    await api.post(`/contracts/${id}/end`, { endsOn: '2026-09-30' });
    const retry = await api.post(`/contracts/${id}/end`, { endsOn: '2026-06-30' }, { headers });
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await api.get(`/contracts/${id}`)).body.endsOn).toBe('2026-09-30');
    const patched = [await api.patch(`/contracts/${id}`, { plan: 'Plan A' }, { headers }), await api.patch(`/contracts/${id}`, { plan: 'Plan B' }, { headers })];
    expect(patched.map((p) => [p.status, p.body.plan, p.headers.get('idempotent-replayed')])).toEqual([[200, 'Plan A', null], [200, 'Plan B', null]]);
  });

  it('declares the header, and the 409, on every POST of the document', async () => {
    const posts = Object.entries(portal.checker.doc.paths).flatMap(([path, ops]) => ((ops as Record<string, unknown>).post ? [[path, (ops as Record<string, any>).post]] : []));
    expect(posts.length).toBeGreaterThanOrEqual(2);
    for (const [path, op] of posts) {
      expect(op.parameters.some((p: { name: string; in: string }) => p.name === 'Idempotency-Key' && p.in === 'header'), path).toBe(true);
      expect(op.responses['409'], path).toBeDefined();
    }
  });

  it('purges the keys whose 24 hours are over, and only those', async () => {
    const tokenId = (await db().selectFrom('api_tokens').select('id').where('name', '=', 'facturación').executeTakeFirstOrThrow()).id;
    const now = portal.rt.clock.now();
    const row = (key: string, expiresInMs: number) => ({
      token_id: tokenId, key, operation: 'POST /api/v1/x', body_hash: bodyHash(''), status: 201, response_headers: '{}', response_body: '{}',
      created_at: now.toISOString(), expires_at: new Date(now.getTime() + expiresInMs).toISOString(),
    });
    await db().insertInto('api_idempotency_keys').values([row('purga-vieja', -1), row('purga-viva', 60_000)]).execute();
    expect(await purgeIdempotencyKeys(db(), now)).toBeGreaterThanOrEqual(1);
    const left = await db().selectFrom('api_idempotency_keys').select('key').where('key', 'like', 'purga-%').execute();
    expect(left.map((r) => r.key)).toEqual(['purga-viva']);
  });
});
