import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPortal, type ApiClient, type ApiPortal } from '../../../tests/api-client.ts';
import { addContractFor, createCustomerWithAdmin, newRut } from '../../../tests/factories.ts';
import { HttpBrowser } from '../../../tests/http-portal.ts';
import type { DevMailbox } from '../../mail/transport.ts';
import { formatRut } from '../../domain/rut.ts';

let portal: ApiPortal;
let api: ApiClient;
let reader: ApiClient;

beforeAll(async () => {
  portal = await startApiPortal({ withHelp: true });
  api = await portal.client(['customers:read', 'customers:write'], 'crm');
  reader = await portal.client(['customers:read'], 'lector');
});
afterAll(() => portal.close());

const db = () => portal.rt.deps.db;
const auditOf = (action: string, customerId: string) => db().selectFrom('audit_events').selectAll().where('action', '=', action).where('customer_id', '=', customerId).execute();
const customerRow = (rut: string) => db().selectFrom('customers').selectAll().where('rut', '=', rut).executeTakeFirst();
/** Every typed form of a canonical RUT: dotted, canonical, compact, and the K in lower case when it has one. */
const typedForms = (rut: string) => [...new Set([formatRut(rut), rut, rut.replace('-', ''), formatRut(rut).toLowerCase(), ` ${rut.replace('-', '')} `.trim()])];
const newCustomer = (over: Record<string, unknown> = {}) => ({ rut: formatRut(newRut()), name: 'Comercial Los Aromos SpA', adminName: 'Ana Administradora', adminEmail: `ana-${Math.random().toString(36).slice(2, 8)}@aromos.cl`, ...over });

/** A RUT whose check digit is K (the mod-11 digit of these bodies). */
function rutWithK(): string {
  for (let body = 20_000_000 + Math.floor(Math.random() * 9_000_000); ; body++) {
    let sum = 0;
    let w = 2;
    for (const d of String(body).split('').reverse()) {
      sum += Number(d) * w;
      w = w === 7 ? 2 : w + 1;
    }
    if (11 - (sum % 11) === 10) return `${body}-K`;
  }
}

describe('POST /customers', () => {
  it('creates the customer and its administrator: 201, Location, ETag, the resource; the credentials mail goes to the administrator; audited with the token', async () => {
    const body = newCustomer();
    const res = await api.post('/customers', body);
    expect(res.status).toBe(201);
    const rut = body.rut.replaceAll('.', '');
    expect(res.body).toEqual({ rut, id: expect.any(String), name: body.name, state: 'active', disabledAt: null, createdAt: portal.rt.clock.now().toISOString() });
    expect(res.headers.get('location')).toBe(`/api/v1/customers/${rut}`);
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);

    const admin = await db().selectFrom('users').selectAll().where('customer_id', '=', res.body.id).execute();
    expect(admin).toMatchObject([{ email: body.adminEmail, name: body.adminName, role: 'admin', must_change_password: 1 }]);
    const mails = await db().selectFrom('outbox').select(['id', 'kind']).where('to_address', '=', body.adminEmail).execute();
    expect(mails).toHaveLength(1);
    await portal.rt.worker.runOnce();
    const sent = (portal.rt.transport as DevMailbox).delivered(mails[0]!.id)!;
    expect(sent.text).toContain(formatRut(rut));
    expect(sent.text).toContain(body.name);

    const audit = await auditOf('customer.created', res.body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'api', target_label: body.adminEmail });
    expect(audit[0]!.actor_label).toMatch(/^api:crm \(mpt_/);

    // Read back with the ETag of the creation.
    const got = await reader.get(`/customers/${rut}`);
    expect(got.body).toEqual(res.body);
    expect(got.headers.get('etag')).toBe(res.headers.get('etag'));
  });

  it('takes a RUT with a K in lower case, and answers it canonical', async () => {
    const k = rutWithK();
    const res = await api.post('/customers', newCustomer({ rut: k.replace('K', 'k').replace('-', '') }));
    expect(res.status).toBe(201);
    expect(res.body.rut).toBe(k);
  });

  it('says in Spanish what is wrong with each field, with a JSON pointer, and saves nothing', async () => {
    const before = (await db().selectFrom('customers').select('id').execute()).length;
    const bad = await api.post('/customers', { rut: '76.086.428-4', name: '', adminName: 'Ana', adminEmail: 'no-es-un-correo' });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(bad.body).toMatchObject({ code: 'validation', status: 422 });
    const byPointer = Object.fromEntries(bad.body.errors.map((e: { pointer: string; detail: string }) => [e.pointer, e.detail]));
    expect(byPointer).toEqual({
      '/rut': 'El dígito verificador del RUT no es correcto. Revise el número.',
      '/name': 'Ingrese la razón social del cliente.',
      '/adminEmail': 'El correo no tiene un formato válido, como nombre@empresa.cl.',
    });

    const missing = await api.post('/customers', { rut: 12345 });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/adminEmail', '/adminName', '/name', '/rut']);
    for (const e of missing.body.errors) expect(e.detail).toMatch(/^Entrada inválida: se esperaba texto/);

    expect((await db().selectFrom('customers').select('id').execute()).length).toBe(before);
  });

  it('refuses a RUT already taken, typed another way: 422 on /rut', async () => {
    const first = newCustomer();
    expect((await api.post('/customers', first)).status).toBe(201);
    const again = await api.post('/customers', newCustomer({ rut: first.rut.replaceAll('.', '').replace('-', '') }));
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([{ pointer: '/rut', detail: 'Ya existe un cliente con ese RUT.' }]);
  });

  it('of two creations of one RUT at once, creates one (201) and refuses the other (422 on /rut), with one administrator and one mail', async () => {
    const rut = newRut();
    const answers = await Promise.all([api.post('/customers', newCustomer({ rut, adminEmail: 'uno@carrera.cl' })), api.post('/customers', newCustomer({ rut: formatRut(rut), adminEmail: 'dos@carrera.cl' }))]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(answers.find((r) => r.status === 422)!.body.errors[0].pointer).toBe('/rut');
    const row = await customerRow(rut);
    expect(await db().selectFrom('users').select('email').where('customer_id', '=', row!.id).execute()).toHaveLength(1);
    expect(await db().selectFrom('outbox').select('id').where('to_address', 'in', ['uno@carrera.cl', 'dos@carrera.cl']).execute()).toHaveLength(1);
  });

  it('needs customers:write (403 for a reading token, nothing created)', async () => {
    const body = newCustomer();
    const res = await reader.post('/customers', body);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient-scope');
    expect(await customerRow(body.rut.replaceAll('.', ''))).toBeUndefined();
  });
});

describe('GET /customers/{rut}', () => {
  it('finds the customer by its RUT typed in any form, always with the same ETag', async () => {
    const k = rutWithK();
    const created = await api.post('/customers', newCustomer({ rut: k }));
    for (const form of typedForms(k)) {
      const res = await reader.get(`/customers/${encodeURIComponent(form)}`);
      expect(res.status, form).toBe(200);
      expect(res.body).toEqual(created.body);
      expect(res.headers.get('etag')).toBe(created.headers.get('etag'));
    }
  });

  it('answers 404 customer-not-found for a RUT nobody has, and 422 on the path for one that cannot be a RUT', async () => {
    const none = await reader.get(`/customers/${newRut()}`);
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ code: 'customer-not-found' });
    const bad = await reader.get('/customers/76086428-4');
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ pointer: '/param/rut', detail: 'El dígito verificador del RUT no es correcto. Revise el número.' }]);
    expect((await reader.get('/customers/abc')).status).toBe(422);
  });
});

describe('GET /customers', () => {
  it('pages in creation order: no customer repeated or skipped while others are created between pages, the new ones at the end', async () => {
    const tag = `Paginación ${Math.random().toString(36).slice(2, 8)}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      portal.rt.clock.advance(1000);
      made.push((await api.post('/customers', newCustomer({ name: `${tag} ${i}` }))).body.rut);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: { rut: string }[]; nextCursor: string | null } } = await reader.get(`/customers?limit=2&q=${encodeURIComponent(tag)}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((c) => c.rut));
      cursor = res.body.nextCursor;
      if (pages++ === 0) {
        // Created while the client pages: it comes at the end, and nothing shifts.
        portal.rt.clock.advance(1000);
        made.push((await api.post('/customers', newCustomer({ name: `${tag} nuevo` }))).body.rut);
      }
    } while (cursor && pages < 10);
    expect(seen).toEqual(made);
  });

  it('filters by name (any case and accents) or RUT digits, by state and by a system in force today', async () => {
    const tag = `Ñandú ${Math.random().toString(36).slice(2, 8)}`;
    const a = (await api.post('/customers', newCustomer({ name: `Ferretería ${tag}` }))).body;
    // A later instant: on the test clock both would share one created_at, and ties go by the (random) id.
    portal.rt.clock.advance(1);
    const b = (await api.post('/customers', newCustomer({ name: `Panadería ${tag}` }))).body;
    await api.post(`/customers/${b.rut}/disable`);
    await addContractFor(portal.rt.deps, a.id, 'contabilidad', '2026-01-01', null);
    await addContractFor(portal.rt.deps, b.id, 'contabilidad', '2025-01-01', '2025-12-31');
    const ruts = async (query: string) => ((await reader.get(`/customers?${query}`)).body.items as { rut: string }[]).map((c) => c.rut);

    expect(await ruts(`q=${encodeURIComponent(tag.toUpperCase().replace('Ñ', 'N').replace('ú', 'u'))}`)).toEqual([a.rut, b.rut]);
    expect(await ruts(`q=${encodeURIComponent(formatRut(a.rut))}`)).toEqual([a.rut]);
    expect(await ruts(`q=${encodeURIComponent(tag)}&state=disabled`)).toEqual([b.rut]);
    expect(await ruts(`q=${encodeURIComponent(tag)}&state=active`)).toEqual([a.rut]);
    expect(await ruts(`q=${encodeURIComponent(tag)}&system=contabilidad`)).toEqual([a.rut]);
    expect(await ruts(`q=${encodeURIComponent(tag)}&system=remuneraciones`)).toEqual([]);
  });

  it('refuses a filter, a limit or a cursor that make no sense: 422 with the parameter named, in Spanish', async () => {
    const state = await reader.get('/customers?state=borrado');
    expect(state.status).toBe(422);
    expect(state.body.errors).toEqual([{ pointer: '/query/state', detail: 'El estado es «active» (habilitado) o «disabled» (deshabilitado).' }]);
    for (const limit of ['0', '201', 'diez', '1.5']) {
      const res = await reader.get(`/customers?limit=${limit}`);
      expect(res.status, limit).toBe(422);
      expect(res.body.errors[0].pointer).toBe('/query/limit');
    }
    const cursor = await reader.get('/customers?cursor=no-es-un-cursor');
    expect(cursor.status).toBe(422);
    expect(cursor.body.code).toBe('invalid-cursor');
    // Well-formed, but not a key the API made: a NUL (which PostgreSQL refuses in text), a number, one part.
    for (const key of [['\u0000', 'x'], [1, 'x'], ['2026-03-02T15:00:00.000Z']]) {
      const res = await reader.get(`/customers?cursor=${Buffer.from(JSON.stringify(key)).toString('base64url')}`);
      expect(res.status, JSON.stringify(key)).toBe(422);
      expect(res.body.code).toBe('invalid-cursor');
    }
    const system = await reader.get('/customers?system=Contabilidad%20General');
    expect(system.body.errors[0]).toEqual({ pointer: '/query/system', detail: 'El sistema se indica por su identificador, como «contabilidad».' });
  });
});

describe('PATCH /customers/{rut}', () => {
  it('renames: 200 with the new name and a new ETag, audited customer.renamed with the old and new name', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps, { name: 'Nombre Antiguo Ltda.' });
    const before = await reader.get(`/customers/${c.rut}`);
    const res = await api.patch(`/customers/${formatRut(c.rut)}`, { name: '  Nombre Nuevo SpA ' }, { headers: { 'if-match': before.headers.get('etag')! } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rut: c.rut, name: 'Nombre Nuevo SpA' });
    expect(res.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect((await reader.get(`/customers/${c.rut}`)).headers.get('etag')).toBe(res.headers.get('etag'));
    const audit = await auditOf('customer.renamed', c.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_kind).toBe('api');
    expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ from: 'Nombre Antiguo Ltda.', to: 'Nombre Nuevo SpA' });

    // The same name again: nothing changes, nothing audited, same ETag.
    const same = await api.patch(`/customers/${c.rut}`, { name: 'Nombre Nuevo SpA' });
    expect(same.status).toBe(200);
    expect(same.headers.get('etag')).toBe(res.headers.get('etag'));
    expect(await auditOf('customer.renamed', c.id)).toHaveLength(1);
  });

  it('refuses a stale If-Match with 412 precondition-failed and changes nothing; a wrong name is a 422 on /name', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps, { name: 'Primero S.A.' });
    const old = (await reader.get(`/customers/${c.rut}`)).headers.get('etag')!;
    await api.patch(`/customers/${c.rut}`, { name: 'Segundo S.A.' });
    const stale = await api.patch(`/customers/${c.rut}`, { name: 'Tercero S.A.' }, { headers: { 'if-match': old } });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition-failed');
    expect((await customerRow(c.rut))!.name).toBe('Segundo S.A.');
    const weak = await api.patch(`/customers/${c.rut}`, { name: 'Tercero S.A.' }, { headers: { 'if-match': `W/${(await reader.get(`/customers/${c.rut}`)).headers.get('etag')}` } });
    expect(weak.status).toBe(412);

    const long = await api.patch(`/customers/${c.rut}`, { name: 'x'.repeat(201) });
    expect(long.status).toBe(422);
    expect(long.body.errors).toEqual([{ pointer: '/name', detail: 'La razón social puede tener como máximo 200 caracteres.' }]);
    const control = await api.patch(`/customers/${c.rut}`, { name: 'Nombre\u202Eoculto' });
    expect(control.status).toBe(422);
    expect(control.body.errors[0].pointer).toBe('/name');
    expect((await api.patch(`/customers/${newRut()}`, { name: 'Nadie' })).status).toBe(404);
  });

  it('of two renames sent at once with the same If-Match, applies one (200) and refuses the other (412)', async () => {
    for (let round = 0; round < 3; round++) {
      const c = await createCustomerWithAdmin(portal.rt.deps);
      const etag = (await reader.get(`/customers/${c.rut}`)).headers.get('etag')!;
      const answers = await Promise.all(['Carrera Uno', 'Carrera Dos'].map((name) => api.patch(`/customers/${c.rut}`, { name }, { headers: { 'if-match': etag } })));
      expect(answers.map((r) => r.status).sort()).toEqual([200, 412]);
      const winner = answers.find((r) => r.status === 200)!;
      expect((await customerRow(c.rut))!.name).toBe(winner.body.name);
      expect(await auditOf('customer.renamed', c.id)).toHaveLength(1);
    }
  });
});

describe('POST /customers/{rut}/disable and /enable', () => {
  it('disables (its users\' sessions end, they cannot sign in) and enables again; each audited once; the same again changes nothing', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const browser = new HttpBrowser(portal, '203.0.113.7');
    expect((await browser.signIn(c.rut, c.admin.email, c.admin.password)).status).toBe(303);
    expect(await db().selectFrom('sessions').select('id').where('user_id', '=', c.admin.id).execute()).toHaveLength(1);

    const off = await api.post(`/customers/${c.rut.replace('-', '')}/disable`);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ state: 'disabled', disabledAt: portal.rt.clock.now().toISOString() });
    expect(await db().selectFrom('sessions').select('id').where('user_id', '=', c.admin.id).execute()).toHaveLength(0);
    expect((await browser.request('/servicios')).status).toBe(303);
    const again = await api.post(`/customers/${c.rut}/disable`);
    expect(again.status).toBe(200);
    expect(again.headers.get('etag')).toBe(off.headers.get('etag'));
    expect(await auditOf('customer.disabled', c.id)).toMatchObject([{ actor_kind: 'api' }]);

    const on = await api.post(`/customers/${c.rut}/enable`, undefined, { headers: { 'if-match': off.headers.get('etag')! } });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ state: 'active', disabledAt: null });
    expect(await auditOf('customer.enabled', c.id)).toHaveLength(1);
    expect((await browser.signIn(c.rut, c.admin.email, c.admin.password)).status).toBe(303);
  });

  it('refuses a stale If-Match (412, still enabled); of two disables at once with the same If-Match, one applies and one gets 412', async () => {
    const c = await createCustomerWithAdmin(portal.rt.deps);
    const old = (await reader.get(`/customers/${c.rut}`)).headers.get('etag')!;
    await api.patch(`/customers/${c.rut}`, { name: 'Cambiado por otro' });
    const stale = await api.post(`/customers/${c.rut}/disable`, undefined, { headers: { 'if-match': old } });
    expect(stale.status).toBe(412);
    expect((await customerRow(c.rut))!.disabled_at).toBeNull();

    const etag = (await reader.get(`/customers/${c.rut}`)).headers.get('etag')!;
    const answers = await Promise.all([1, 2].map(() => api.post(`/customers/${c.rut}/disable`, undefined, { headers: { 'if-match': etag } })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 412]);
    expect(await auditOf('customer.disabled', c.id)).toHaveLength(1);
    expect((await api.post(`/customers/${newRut()}/enable`)).status).toBe(404);
    expect((await reader.post(`/customers/${c.rut}/enable`)).status).toBe(403);
  });
});
