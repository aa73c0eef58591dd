import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPortal, type ApiClient, type ApiPortal } from '../../tests/api-client.ts';
import { addContractFor, createCustomerWithAdmin } from '../../tests/factories.ts';
import { createTestStaff, staffClient } from '../../tests/staff-fixtures.ts';
import { setStaffDisabled } from '../staff/set-staff-disabled.ts';
import { cliOperator, type Principal } from '../auth/principal.ts';
import { API_SCOPES } from './api-scopes.ts';
import { NOT_KEPT_STATUSES } from './idempotency.ts';
import { createApiToken } from './tokens/create-api-token.ts';
import { findApiToken, listApiTokens } from './tokens/list-api-tokens.ts';
import { revokeApiToken } from './tokens/revoke-api-token.ts';

/**
 * What an attacker, an operator and a client developer tried against
 * /api/v1 (issue 11's review), kept as regressions: each case is a way the
 * API once answered, or could answer, wrongly.
 */
let portal: ApiPortal;
let api: ApiClient;

beforeAll(async () => {
  portal = await startApiPortal({ withHelp: true });
  api = await portal.client(['customers:read', 'contracts:write'], 'revisión');
});
afterAll(() => portal.close());

const db = () => portal.rt.deps.db;
let keys = 0;
const freshKey = () => `revision-${Date.now()}-${++keys}`;
const keyRow = (key: string) => db().selectFrom('api_idempotency_keys').select(['status']).where('key', '=', key).executeTakeFirst();

describe('Idempotency-Key: a refusal about the moment is not replayed', () => {
  it('a 412 for a stale If-Match is not kept: the retry with the same key and the fresh ETag runs', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const id = await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-01');
    const headers = { 'idempotency-key': freshKey() };
    const stale = await api.post(`/contracts/${id}/end`, { endsOn: '2026-06-30' }, { headers: { ...headers, 'if-match': '"no-es-la-version"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition-failed');
    expect(await keyRow(headers['idempotency-key'])).toBeUndefined();

    const etag = (await api.get(`/contracts/${id}`)).headers.get('etag')!;
    const retry = await api.post(`/contracts/${id}/end`, { endsOn: '2026-06-30' }, { headers: { ...headers, 'if-match': etag } });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.body.endsOn).toBe('2026-06-30');
    // Now the success is what the key keeps.
    const again = await api.post(`/contracts/${id}/end`, { endsOn: '2026-06-30' }, { headers: { ...headers, 'if-match': etag } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(retry.text);
  });

  it('a 403 for a missing scope is not kept, and another token cannot replay a key it did not send', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const reader = await portal.client(['customers:read'], 'solo lectura');
    const key = freshKey();
    const body = { system: 'contabilidad', plan: 'Plan Pyme', startsOn: '2026-03-01', endsOn: null };
    const created = await api.post(`/customers/${c.rut}/contracts`, body, { headers: { 'idempotency-key': key } });
    expect(created.status).toBe(201);
    // The reader sends the writer's key and body: its own key space, so no replay of the writer's 201 (which would
    // hand it a resource through a write it may not make), and the scope is refused.
    const refused = await reader.post(`/customers/${c.rut}/contracts`, body, { headers: { 'idempotency-key': key } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('idempotent-replayed')).toBeNull();
    expect(refused.body.code).toBe('insufficient-scope');
    expect(await db().selectFrom('api_idempotency_keys').select('token_id').where('key', '=', key).execute()).toHaveLength(1);
    expect(await db().selectFrom('contracts').select('id').where('customer_id', '=', c.id).execute()).toHaveLength(1);
  });

  it('lists the statuses it does not keep: the credentials, a resource not there yet, a race, a stale version, the rate limit', () => {
    for (const s of [401, 403, 404, 409, 410, 412, 429]) expect(NOT_KEPT_STATUSES.has(s), String(s)).toBe(true);
    for (const s of [400, 413, 415, 422]) expect(NOT_KEPT_STATUSES.has(s), String(s)).toBe(false);
  });

  it('a contract sent before its customer exists is 404, and the retry with the same key once it does creates it', async () => {
    const key = freshKey();
    const rut = '11111111-1';
    const body = { system: 'contabilidad', plan: 'Plan Pyme', startsOn: '2026-03-01', endsOn: null };
    const early = await api.post(`/customers/${rut}/contracts`, body, { headers: { 'Idempotency-Key': key } });
    expect(early.status).toBe(404);
    expect(await keyRow(key)).toBeUndefined();
    const creator = await portal.client(['customers:write'], 'crm');
    expect((await creator.post('/customers', { rut, name: 'Llega Después SpA', adminName: 'Ana Soto', adminEmail: 'ana@llegadespues.cl' })).status).toBe(201);
    const later = await api.post(`/customers/${rut}/contracts`, body, { headers: { 'Idempotency-Key': key } });
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a replay carries its own rate-limit headers and request id, never the first answer\'s', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const headers = { 'idempotency-key': freshKey() };
    const body = { system: 'contabilidad', plan: 'Plan Pyme', startsOn: '2026-03-01', endsOn: null };
    const first = await api.post(`/customers/${c.rut}/contracts`, body, { headers });
    const replay = await api.post(`/customers/${c.rut}/contracts`, body, { headers });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(Number(replay.headers.get('ratelimit-remaining'))).toBe(Number(first.headers.get('ratelimit-remaining')) - 1);
    expect(replay.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(replay.headers.get('set-cookie')).toBeNull();
    expect(replay.headers.get('cache-control')).toBe('no-store');
  });
});

describe('tokens as the header carries them', () => {
  it('takes the scheme in any case and spaces or tabs around the token; refuses two tokens, a comma list, or a token with a suffix', async () => {
    const token = api.token!;
    for (const h of [`bearer ${token}`, `BEARER\t${token}`, `Bearer   ${token}  `]) {
      const res = await fetch(`${portal.base}/api/v1/systems`, { headers: { authorization: h } });
      expect(res.status, JSON.stringify(h)).toBe(200);
    }
    for (const h of [`Bearer ${token} ${token}`, `Bearer ${token}, Bearer ${token}`, `Bearer ${token}x`, `Bearer ${token.toUpperCase()}`, `Basic ${token}`, token]) {
      const res = await fetch(`${portal.base}/api/v1/systems`, { headers: { authorization: h } });
      expect(res.status, JSON.stringify(h)).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});

describe('who may mint or revoke a token: checked in the operations, not only by the console routes', () => {
  const apiPrincipal: Principal = { kind: 'api', clientId: 'tok-1', name: 'Facturación', prefix: 'mpt_00000000', scopes: new Set(API_SCOPES), ip: null };
  const customerAdmin: Principal = { kind: 'user', userId: 'u-1', name: 'Ana', email: 'ana@cliente.cl', role: 'admin', customer: { id: 'c-1', rut: '76543210-3', name: 'Cliente' }, ip: null };
  const soporte: Principal = { kind: 'staff', staffId: 's-1', name: 'Sole', email: 'sole@proveedor.cl', role: 'soporte', ip: null };
  const staffAdmin: Principal = { kind: 'staff', staffId: 's-2', name: 'Ada', email: 'ada@proveedor.cl', role: 'admin', ip: null };

  it('an API client, a customer\'s user or staff without api:manage get 403 and nothing is written; a staff admin and the CLI may', async () => {
    const tokens = () => db().selectFrom('api_tokens').select('id').execute();
    const audits = () => db().selectFrom('audit_events').select('id').where('action', 'in', ['api-token.created', 'api-token.revoked']).execute();
    const [before, auditsBefore] = [(await tokens()).length, (await audits()).length];
    for (const who of [apiPrincipal, customerAdmin, soporte]) {
      await expect(createApiToken(portal.rt.deps, who, { name: 'Intruso', scopes: [...API_SCOPES], expiresInDays: 365 }), who.kind).rejects.toMatchObject({ status: 403, id: 'forbidden' });
    }
    expect(await tokens()).toHaveLength(before);
    const made = await createApiToken(portal.rt.deps, staffAdmin, { name: 'Del administrador', scopes: ['customers:read'], expiresInDays: 30 });
    for (const who of [apiPrincipal, customerAdmin, soporte]) {
      await expect(revokeApiToken(portal.rt.deps, who, made.id), who.kind).rejects.toMatchObject({ status: 403 });
    }
    expect((await db().selectFrom('api_tokens').select('revoked_at').where('id', '=', made.id).executeTakeFirstOrThrow()).revoked_at).toBeNull();
    expect((await revokeApiToken(portal.rt.deps, cliOperator('revisión'), made.id)).changed).toBe(true);
    expect(await audits()).toHaveLength(auditsBefore + 2);
  });
});

describe('the database away: 503 problem+json with Retry-After, nothing kept', () => {
  // A SQLite file whatever DATABASE_URL says: another connection holds its write lock, as a long import or a stuck
  // process would; past the driver's deadline the portal answers the named 503, not a 500 with SQL in it.
  let locked: ApiPortal;
  const dir = mkdtempSync(join(tmpdir(), 'api-busy-'));
  const file = join(dir, 'portal.db');
  beforeAll(async () => {
    locked = await startApiPortal({ withHelp: false, sqliteFile: file });
  });
  afterAll(async () => {
    await locked?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a POST while the database is locked is 503 database-busy, its key not kept; the retry with the key runs once it is free', async () => {
    const writer = await locked.client(['customers:write', 'customers:read'], 'durante el bloqueo');
    await writer.get('/systems'); // last use written now, so the locked call's authentication only reads
    const body = { rut: '76.543.210-3', name: 'Bloqueo S.A.', adminName: 'Ana Administradora', adminEmail: 'ana@bloqueo.cl' };
    const headers = { 'idempotency-key': freshKey() };
    const other = new Database(file);
    other.exec('begin immediate');
    let busy;
    try {
      busy = await writer.post('/customers', body, { headers });
    } finally {
      other.exec('rollback');
      other.close();
    }
    expect(busy.status).toBe(503);
    expect(busy.headers.get('content-type')).toBe('application/problem+json');
    expect(busy.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(busy.body).toMatchObject({ status: 503, code: 'database-busy' });
    expect(busy.text).not.toMatch(/SQLITE|insert into|select |at .*\.ts:/i);
    const retry = await writer.post('/customers', body, { headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('a token whose creator is disabled', () => {
  it('keeps working (the vendor system\'s credential, not the person\'s), and the console marks it for replacing', async () => {
    const creator = await createTestStaff(portal.rt.deps, 'admin', { name: 'Quien se fue' });
    const boss = await createTestStaff(portal.rt.deps, 'admin');
    const asStaff = (s: { id: string; name: string; email: string }): Principal => ({ kind: 'staff', staffId: s.id, name: s.name, email: s.email, role: 'admin', ip: null });
    const made = await createApiToken(portal.rt.deps, asStaff(creator), { name: 'Facturación heredada', scopes: ['customers:read'], expiresInDays: 30 });
    expect((await findApiToken(db(), made.prefix, portal.rt.clock.now()))!.creatorDisabled).toBe(false);
    await setStaffDisabled(portal.rt.deps, asStaff(boss), { staffId: creator.id, disabled: true });

    expect((await portal.anonymous(made.token).get('/systems')).status).toBe(200);
    const row = (await listApiTokens(db(), portal.rt.clock.now())).find((t) => t.id === made.id)!;
    expect(row).toMatchObject({ state: 'active', creatorDisabled: true, createdBy: expect.stringContaining('Quien se fue') });
    const html = await (await staffClient(portal.rt, boss)).get('/proveedor/api').then((r) => r.text());
    const cell = html.slice(html.indexOf(made.prefix));
    expect(cell.slice(0, cell.indexOf('</tr>'))).toContain('Creador deshabilitado');
    // A token made at the terminal has no staff creator to be disabled.
    const fromCli = (await listApiTokens(db(), portal.rt.clock.now())).filter((t) => t.name === 'revisión');
    expect(fromCli.map((t) => t.creatorDisabled)).toEqual([false]);
  });
});
