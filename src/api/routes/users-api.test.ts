import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPortal, type ApiClient, type ApiPortal } from '../../../tests/api-client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, newRut, type TestCustomer } from '../../../tests/factories.ts';
import { HttpBrowser } from '../../../tests/http-portal.ts';
import { send } from '../../../tests/raw-http.ts';
import type { ApiClientPrincipal } from '../../auth/principal.ts';
import { formatRut } from '../../domain/rut.ts';
import type { DevMailbox } from '../../mail/transport.ts';
import { decideManageUser } from '../../policies/manage-user-policy.ts';

let portal: ApiPortal;
let api: ApiClient;
let reader: ApiClient;

beforeAll(async () => {
  portal = await startApiPortal({ withHelp: true });
  api = await portal.client(['customers:read', 'users:write'], 'crm');
  reader = await portal.client(['customers:read'], 'lector');
});
afterAll(() => portal.close());

const db = () => portal.rt.deps.db;
const userRow = (id: string) => db().selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
const auditOf = (action: string, targetUserId: string) => db().selectFrom('audit_events').selectAll().where('action', '=', action).where('target_user_id', '=', targetUserId).execute();
const usersPath = (c: TestCustomer) => `/customers/${c.rut}/users`;
const userPath = (c: TestCustomer, id: string) => `/customers/${c.rut}/users/${id}`;
const etagOf = async (path: string) => (await reader.get(path)).headers.get('etag')!;

/** The credentials mail last queued for `to`, as delivered: its text has the temporary password. */
async function deliveredTo(to: string) {
  const rows = await db().selectFrom('outbox').select(['id', 'created_at']).where('to_address', '=', to).orderBy('created_at').execute();
  await portal.rt.worker.runOnce();
  return { count: rows.length, text: (portal.rt.transport as DevMailbox).delivered(rows.at(-1)!.id)!.text };
}

describe('GET /customers/{rut}/users', () => {
  it('lists the customer\'s users in creation order, page by page, a user added meanwhile at the end', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const ids = [c.admin.id];
    for (let i = 0; i < 4; i++) {
      portal.rt.clock.advance(1000);
      ids.push((await createTechnicalUser(portal.rt.deps, c.id, { name: `Técnico ${i}` })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await reader.get(`${usersPath(c)}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((u) => u.id));
      cursor = res.body.nextCursor;
      if (pages++ === 0) {
        portal.rt.clock.advance(1000);
        ids.push((await createTechnicalUser(portal.rt.deps, c.id)).id);
      }
    } while (cursor && pages < 10);
    expect(seen).toEqual(ids);
    const first = (await reader.get(`/customers/${formatRut(c.rut)}/users?limit=1`)).body.items[0];
    expect(first).toEqual({
      id: c.admin.id, name: 'Ana Administradora', email: c.admin.email, role: 'admin', state: 'active', helpScope: 'all', lastSignInAt: null, createdAt: expect.any(String),
    });
  });

  it('answers 404 for a RUT nobody has, and 403 without customers:read', async () => {
    expect((await reader.get(`/customers/${newRut()}/users`)).body.code).toBe('customer-not-found');
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const writer = await portal.client(['users:write']);
    expect((await writer.get(usersPath(c))).status).toBe(403);
  });
});

describe('GET /customers/{rut}/users/{userId}', () => {
  it('reads one user with its ETag; another customer\'s user, a made-up id or a non-id through this path are 404 user-not-found', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const other = await createCustomerWithAdmin(portal.rt.deps);
    const t = await createTechnicalUser(portal.rt.deps, c.id);
    const res = await reader.get(userPath(c, t.id.toUpperCase()));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: t.id, role: 'technical', state: 'active', helpScope: 'all' });
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    for (const path of [userPath(other, t.id), userPath(c, randomUUID()), userPath(c, 'nadie'), userPath(c, '%00')]) {
      const r = await reader.get(path);
      expect(r.status, path).toBe(404);
      expect(r.body.code).toBe('user-not-found');
    }
  });
});

describe('POST /customers/{rut}/users', () => {
  it('adds a technical user who gets the credentials mail and can sign in with it; 201, Location, ETag; audited with the token', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const res = await api.post(`/customers/${c.rut.replace('-', '')}/users`, { name: ' Tomás Técnico ', email: 'Tomas@Cliente.CL' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Tomás Técnico', email: 'tomas@cliente.cl', role: 'technical', state: 'pending', helpScope: 'all', lastSignInAt: null });
    expect(res.headers.get('location')).toBe(`/api/v1/customers/${c.rut}/users/${res.body.id}`);
    expect(res.headers.get('etag')).toBe(await etagOf(userPath(c, res.body.id)));

    const mail = await deliveredTo('tomas@cliente.cl');
    expect(mail.count).toBe(1);
    const temporary = /Clave temporal: (\S+)/.exec(mail.text)?.[1] ?? /contraseña temporal[^:]*:\s*(\S+)/i.exec(mail.text)?.[1];
    expect(temporary, mail.text).toBeTruthy();
    const browser = new HttpBrowser(portal, '198.51.100.4');
    const signIn = await browser.signIn(c.rut, 'tomas@cliente.cl', temporary!);
    expect(signIn.status).toBe(303);
    expect(signIn.location).not.toContain('/ingresar');

    const audit = await auditOf('user.created', res.body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'api', customer_id: c.id, target_label: 'tomas@cliente.cl' });
  });

  it('says what is wrong with each field in Spanish, refuses an e-mail the customer already has, and adds nothing', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const bad = await api.post(usersPath(c), { name: '', email: 'no-es-correo' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { pointer: '/name', detail: 'Ingrese el nombre del usuario.' },
      { pointer: '/email', detail: 'El correo no tiene un formato válido, como nombre@empresa.cl.' },
    ]);
    const dup = await api.post(usersPath(c), { name: 'Otra Ana', email: c.admin.email.toUpperCase() });
    expect(dup.status).toBe(422);
    expect(dup.body.errors).toEqual([{ pointer: '/email', detail: 'Ya existe un usuario con ese correo en esta empresa.' }]);
    expect(await db().selectFrom('users').select('id').where('customer_id', '=', c.id).execute()).toHaveLength(1);
    expect((await api.post(`/customers/${newRut()}/users`, { name: 'Nadie', email: 'nadie@ejemplo.cl' })).status).toBe(404);
    expect((await reader.post(usersPath(c), { name: 'Nadie', email: 'nadie@ejemplo.cl' })).status).toBe(403);
  });

  it('of two additions of one e-mail at once, adds one (201) and refuses the other (422 on /email), with one mail', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const email = `doble-${randomUUID().slice(0, 6)}@cliente.cl`;
    const answers = await Promise.all([1, 2].map((i) => api.post(usersPath(c), { name: `Doble ${i}`, email })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(answers.find((r) => r.status === 422)!.body.errors[0].pointer).toBe('/email');
    expect(await db().selectFrom('outbox').select('id').where('to_address', '=', email).execute()).toHaveLength(1);
  });
});

describe('POST …/users/{userId}/resend-credentials', () => {
  it('sends a new temporary password (the user is pending again, sessions end); refused for a disabled user (409) and a stale If-Match (412)', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const t = await createTechnicalUser(portal.rt.deps, c.id, { email: `reenvio-${randomUUID().slice(0, 6)}@cliente.cl` });
    const before = await etagOf(userPath(c, t.id));
    const res = await api.post(`${userPath(c, t.id)}/resend-credentials`, undefined, { headers: { 'if-match': before } });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('pending');
    expect(res.headers.get('etag')).not.toBe(before);
    expect((await deliveredTo(t.email)).count).toBe(1);
    expect(await auditOf('user.credentials-resent', t.id)).toMatchObject([{ actor_kind: 'api' }]);

    const stale = await api.post(`${userPath(c, t.id)}/resend-credentials`, undefined, { headers: { 'if-match': before } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition-failed');

    await api.post(`${userPath(c, t.id)}/disable`);
    const disabled = await api.post(`${userPath(c, t.id)}/resend-credentials`);
    expect(disabled.status).toBe(409);
    expect(disabled.body.code).toBe('user-disabled');
    expect(await db().selectFrom('outbox').select('id').where('to_address', '=', t.email).execute()).toHaveLength(1);
  });
});

describe('POST …/users/{userId}/disable and /enable', () => {
  it('disables a user (their sessions end) and enables them; the customer\'s only active administrator cannot be disabled (409 last-admin)', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const t = await createTechnicalUser(portal.rt.deps, c.id);
    const browser = new HttpBrowser(portal, '198.51.100.9');
    expect((await browser.signIn(c.rut, t.email, 'clave de prueba del técnico')).status).toBe(303);
    expect(await db().selectFrom('sessions').select('id').where('user_id', '=', t.id).execute()).toHaveLength(1);

    const off = await api.post(`${userPath(c, t.id)}/disable`);
    expect(off.status).toBe(200);
    expect(off.body.state).toBe('disabled');
    expect(await db().selectFrom('sessions').select('id').where('user_id', '=', t.id).execute()).toHaveLength(0);
    expect(await auditOf('user.disabled', t.id)).toMatchObject([{ actor_kind: 'api' }]);
    const on = await api.post(`${userPath(c, t.id)}/enable`, undefined, { headers: { 'if-match': off.headers.get('etag')! } });
    expect(on.status).toBe(200);
    expect(on.body.state).toBe('active');

    const last = await api.post(`${userPath(c, c.admin.id)}/disable`);
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('last-admin');
    expect((await userRow(c.admin.id))!.disabled_at).toBeNull();
  });

  it('of two disables at once with the same If-Match, one applies (200) and the other gets 412; audited once', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const t = await createTechnicalUser(portal.rt.deps, c.id);
    const etag = await etagOf(userPath(c, t.id));
    const answers = await Promise.all([1, 2].map(() => api.post(`${userPath(c, t.id)}/disable`, undefined, { headers: { 'if-match': etag } })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 412]);
    expect(await auditOf('user.disabled', t.id)).toHaveLength(1);
  });

  it('never reaches a user through another customer\'s path, and needs users:write', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const other = await createCustomerWithAdmin(portal.rt.deps);
    const t = await createTechnicalUser(portal.rt.deps, c.id);
    const res = await api.post(`${userPath(other, t.id)}/disable`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('user-not-found');
    expect((await reader.post(`${userPath(c, t.id)}/disable`)).status).toBe(403);
    expect((await userRow(t.id))!.disabled_at).toBeNull();
  });
});

describe('DELETE /customers/{rut}/users/{userId}', () => {
  it('deletes a user (204, then 404); refuses the only active administrator (409) and a stale If-Match (412)', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const t = await createTechnicalUser(portal.rt.deps, c.id);
    const old = await etagOf(userPath(c, t.id));
    await api.post(`${userPath(c, t.id)}/resend-credentials`);
    const stale = await api.delete(userPath(c, t.id), { headers: { 'if-match': old } });
    expect(stale.status).toBe(412);
    expect(await userRow(t.id)).toBeDefined();

    const res = await api.delete(userPath(c, t.id), { headers: { 'if-match': await etagOf(userPath(c, t.id)) } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await userRow(t.id)).toBeUndefined();
    expect(await auditOf('user.deleted', t.id)).toMatchObject([{ actor_kind: 'api', target_label: t.email }]);
    expect((await api.delete(userPath(c, t.id))).status).toBe(404);

    const last = await api.delete(userPath(c, c.admin.id));
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('last-admin');
  });

  it('takes a DELETE as curl sends it (no Content-Length, no Content-Type: no body), and answers an empty PATCH with a form\'s type 415, not 500', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const t = await createTechnicalUser(portal.rt.deps, c.id);
    const agent = new Agent();
    const port = Number(new URL(portal.base).port);
    const authorization = `Bearer ${api.token}`;
    const del = await send(agent, port, `/api/v1${userPath(c, t.id)}`, { method: 'DELETE', headers: { authorization } });
    expect(del.status).toBe(204);
    expect(await userRow(t.id)).toBeUndefined();
    const writer = await portal.client(['customers:write']);
    const form = await send(agent, port, `/api/v1/customers/${c.rut}`, { method: 'PATCH', headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect(JSON.parse(form.body).code).toBe('unsupported-media-type');
    agent.destroy();
  });

  it('of two deletions at once, one deletes (204) and the other finds nobody (404)', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const t = await createTechnicalUser(portal.rt.deps, c.id);
    const answers = await Promise.all([1, 2].map(() => api.delete(userPath(c, t.id))));
    expect(answers.map((r) => r.status).sort()).toEqual([204, 404]);
    expect(await auditOf('user.deleted', t.id)).toHaveLength(1);
  });
});

describe('PUT /customers/{rut}/users/{userId}/help-scope', () => {
  it('limits a technical user to contracted systems by slug, and lifts the limit with "all"; audited', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-01', null);
    await addContractFor(portal.rt.deps, c.id, 'remuneraciones', '2026-06-01', null);
    const t = await createTechnicalUser(portal.rt.deps, c.id);
    const some = await api.call('PUT', `${userPath(c, t.id)}/help-scope`, { body: { systems: ['remuneraciones', 'contabilidad', 'contabilidad'] } });
    expect(some.status).toBe(200);
    expect(some.body.helpScope).toEqual(['contabilidad', 'remuneraciones']);
    expect(some.headers.get('etag')).toBe(await etagOf(userPath(c, t.id)));
    const all = await api.call('PUT', `${userPath(c, t.id)}/help-scope`, { body: { systems: 'all' }, headers: { 'if-match': some.headers.get('etag')! } });
    expect(all.status).toBe(200);
    expect(all.body.helpScope).toBe('all');
    const audit = await auditOf('user.help-scope-changed', t.id);
    expect(audit.map((a) => JSON.parse(a.detail!).systems)).toEqual(expect.arrayContaining([['contabilidad', 'remuneraciones'], 'all']));
    expect(audit[0]!.actor_kind).toBe('api');
  });

  it('refuses a system the customer does not contract (422 at its place in the list), an empty list, a bad body, and an administrator (409)', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-01', null);
    const t = await createTechnicalUser(portal.rt.deps, c.id);
    const path = `${userPath(c, t.id)}/help-scope`;
    const unknown = await api.call('PUT', path, { body: { systems: ['contabilidad', 'remuneraciones'] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ pointer: '/systems/1', detail: 'El cliente no tiene contratado «remuneraciones» (ni hoy ni desde una fecha futura).' }]);
    const empty = await api.call('PUT', path, { body: { systems: [] } });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].pointer).toBe('/systems');
    const wrong = await api.call('PUT', path, { body: { systems: 'todos' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].detail).toMatch(/"all"/);
    expect(await db().selectFrom('user_help_scope').select('system_id').where('user_id', '=', t.id).execute()).toHaveLength(0);
    const admin = await api.call('PUT', `${userPath(c, c.admin.id)}/help-scope`, { body: { systems: ['contabilidad'] } });
    expect(admin.status).toBe(409);
    expect(admin.body.code).toBe('not-technical');
  });

  it('of two changes at once with the same If-Match, one applies (200) and the other gets 412', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    await addContractFor(portal.rt.deps, c.id, 'contabilidad', '2026-01-01', null);
    await addContractFor(portal.rt.deps, c.id, 'remuneraciones', '2026-01-01', null);
    const t = await createTechnicalUser(portal.rt.deps, c.id);
    const etag = await etagOf(userPath(c, t.id));
    const answers = await Promise.all(
      [['contabilidad'], ['remuneraciones']].map((systems) => api.call('PUT', `${userPath(c, t.id)}/help-scope`, { body: { systems }, headers: { 'if-match': etag } })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = answers.find((r) => r.status === 200)!;
    expect((await reader.get(userPath(c, t.id))).body.helpScope).toEqual(winner.body.helpScope);
  });
});

describe('the policy for API principals', () => {
  const principal = (scopes: string[]): ApiClientPrincipal => ({ kind: 'api', clientId: randomUUID(), name: 'crm', prefix: 'mpt_x', scopes: new Set(scopes), ip: null });
  it('lets a token with users:write act on any customer\'s users, administrators included, and nothing else', () => {
    expect(decideManageUser(principal(['users:write']), { customerId: randomUUID(), role: 'admin' })).toBe('allowed');
    expect(decideManageUser(principal(['users:write']), { customerId: randomUUID(), role: 'technical' })).toBe('allowed');
    expect(decideManageUser(principal(['customers:read', 'customers:write']), { customerId: randomUUID(), role: 'technical' })).toBe('forbidden');
  });
});
