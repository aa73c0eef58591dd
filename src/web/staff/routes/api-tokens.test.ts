import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../../api/tokens/create-api-token.ts';
import { cliOperator } from '../../../auth/principal.ts';
import { hashToken } from '../../../auth/token.ts';
import { TestClient, location } from '../../../../tests/client.ts';
import { createTestStaff, signedInStaff, staffClient, totpCode } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

const TOKEN_IN_TEXT = /mpt_[0-9a-f]{8}\.[A-Za-z0-9_-]{43}/g;

describe('Tokens de la API (/proveedor/api)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(async () => rt.close());

  const tokenRows = () => rt.deps.db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
  const count = async (table: 'api_tokens' | 'audit_events') => (await rt.deps.db.selectFrom(table).select('id').execute()).length;

  it('lists every token with prefix, scopes, creator, expiry, last use and state; an administrator gets the actions', async () => {
    const active = await createApiToken(rt.deps, cliOperator('ana'), { name: 'Facturación', scopes: ['customers:read', 'contracts:write'], expiresInDays: 30 });
    const gone = await createApiToken(rt.deps, cliOperator('ana'), { name: 'CRM viejo', scopes: ['audit:read'], expiresInDays: 1 });
    await rt.deps.db.updateTable('api_tokens').set({ expires_at: '2026-01-01T00:00:00.000Z', last_used_at: '2025-12-31T10:00:00.000Z', last_used_ip: '203.0.113.9' }).where('id', '=', gone.id).execute();
    const { client } = await signedInStaff(rt, 'admin');
    const res = await client.get('/proveedor/api');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Tokens de la API</h1>');
    expect(html).toContain(active.prefix);
    expect(html).toContain('contracts:write');
    expect(html).toContain('Crear contratos, cambiar su plan y terminarlos');
    expect(html).toContain('operador (ana)');
    expect(html).toContain('Activo');
    expect(html).toContain('Vencido');
    expect(html).toContain('203.0.113.9');
    expect(html).toContain('Nunca');
    expect(html).toContain('href="/proveedor/api/nuevo"');
    expect(html).toContain(`href="/proveedor/api/${active.id}/revocar"`);
    expect(html).toMatch(/<a href="\/proveedor\/api" aria-current="page">API<\/a>/);
    // The list never has a token, only prefixes.
    expect(html.match(TOKEN_IN_TEXT)).toBeNull();
  });

  it.each(['soporte', 'lectura'] as const)('%s sees the list without a single action, and is refused the form and revocation', async (role) => {
    const t = await createApiToken(rt.deps, cliOperator('ana'), { name: `Para ${role}`, scopes: ['customers:read'], expiresInDays: 30 });
    const { client } = await signedInStaff(rt, role);
    const html = await (await client.get('/proveedor/api')).text();
    expect(html).toContain(t.prefix);
    expect(html).not.toContain('/proveedor/api/nuevo');
    expect(html).not.toContain('/revocar');
    const before = await count('audit_events');
    expect((await client.get('/proveedor/api/nuevo')).status).toBe(403);
    expect((await client.post('/proveedor/api/nuevo', { name: 'Intruso', scopes: 'audit:read', expiresInDays: '30' })).status).toBe(403);
    expect((await client.post(`/proveedor/api/${t.id}/revocar`)).status).toBe(403);
    expect(await count('audit_events')).toBe(before);
    expect((await tokenRows()).find((r) => r.id === t.id)!.revoked_at).toBeNull();
  });

  it('keeps the editor and signed-out visitors out', async () => {
    const { client } = await signedInStaff(rt, 'editor');
    expect((await client.get('/proveedor/api')).status).toBe(403);
    expect(await (await client.get('/proveedor')).text()).not.toContain('href="/proveedor/api"');
    expect(location(await new TestClient(rt, {}, 'staff_csrf').get('/proveedor/api'))).toMatch(/^\/proveedor\/ingresar/);
  });

  it('lists every mistake of the form in Spanish and saves nothing', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const form = await client.get('/proveedor/api/nuevo');
    const formHtml = await form.text();
    for (const s of ['customers:read', 'customers:write', 'contracts:write', 'users:write', 'audit:read']) expect(formHtml).toContain(`value="${s}"`);
    expect(formHtml).toContain('value="90"');
    const before = { tokens: await count('api_tokens'), audit: await count('audit_events') };
    const cases: Array<[Record<string, string>, string[]]> = [
      [{ name: '', expiresInDays: '' }, ['Ingrese un nombre para el token', 'Elija al menos un permiso.', 'Indique en cuántos días vence el token.']],
      [{ name: 'x'.repeat(101), scopes: 'root:all', expiresInDays: '0' }, ['como máximo 100 caracteres', 'Uno de los permisos elegidos no existe.', 'al menos un día']],
      [{ name: 'CRM', scopes: 'audit:read', expiresInDays: '366' }, ['como máximo 365 días']],
      [{ name: 'CRM', scopes: 'audit:read', expiresInDays: '2.5' }, ['número entero']],
      [{ name: 'CRM', scopes: 'audit:read', expiresInDays: 'noventa' }, ['Indique en cuántos días vence el token.']],
      [{ name: 'CRM\u202e', scopes: 'audit:read', expiresInDays: '30' }, ['El nombre']],
    ];
    for (const [fields, messages] of cases) {
      const res = await client.post('/proveedor/api/nuevo', fields);
      expect(res.status, JSON.stringify(fields)).toBe(422);
      const html = await res.text();
      expect(html).toContain('No se creó el token');
      for (const m of messages) expect(html, m).toContain(m);
    }
    // What was typed comes back (the name; a checked scope stays checked).
    const again = await (await client.post('/proveedor/api/nuevo', { name: 'Mi CRM', scopes: 'audit:read', expiresInDays: '0' })).text();
    expect(again).toContain('value="Mi CRM"');
    expect(again).toMatch(/value="audit:read" checked/);
    expect({ tokens: await count('api_tokens'), audit: await count('audit_events') }).toEqual(before);
  });

  it('shows a new token once, on the answer page (not stored by the browser, not in a URL, the audit or the database), then only its prefix', async () => {
    const { client, staff } = await signedInStaff(rt, 'admin');
    const res = await client.post('/proveedor/api/nuevo', { name: 'Facturación 2026', scopes: 'contracts:write', expiresInDays: '90' }, {});
    expect(res.status).toBe(200);
    expect(location(res)).toBeNull();
    expect(res.headers.get('cache-control')).toContain('no-store');
    const html = await res.text();
    const shown = [...new Set(html.match(TOKEN_IN_TEXT))];
    expect(shown).toHaveLength(1);
    const token = shown[0]!;
    expect(html).toContain('no se volverá a mostrar');
    expect(html).toContain(`curl -H &quot;Authorization: Bearer ${token}&quot; http://localhost/api/v1/systems`);
    // A second POST of the same form would be a second token, never the first one again.
    const row = (await tokenRows()).find((r) => r.name === 'Facturación 2026')!;
    expect(row.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token.split('.')[1]);
    expect(row.expires_at).toBe(new Date(rt.clock.now().getTime() + 90 * 86_400_000).toISOString());
    expect(row.created_by).toBe(`staff:${staff.id}`);
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'api-token.created').where('target_label', 'like', 'Facturación 2026%').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'staff', actor_staff_id: staff.id });
    expect(JSON.stringify(audit)).not.toContain(token.split('.')[1]);
    const list = await (await client.get('/proveedor/api')).text();
    expect(list).toContain(token.slice(0, 12));
    expect(list).not.toContain(token);
  });

  it('revokes after a confirmation page, at once, audited; a second revocation says so', async () => {
    const t = await createApiToken(rt.deps, cliOperator('ana'), { name: 'A revocar', scopes: ['customers:read'], expiresInDays: 30 });
    const { client, staff } = await signedInStaff(rt, 'admin');
    const confirm = await client.get(`/proveedor/api/${t.id}/revocar`);
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('Revocar el token «A revocar»');
    expect(html).toContain(`action="/proveedor/api/${t.id}/revocar"`);
    expect((await tokenRows()).find((r) => r.id === t.id)!.revoked_at).toBeNull();
    const res = await client.post(`/proveedor/api/${t.id}/revocar`);
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/proveedor/api');
    const list = await (await client.get('/proveedor/api')).text();
    expect(list).toContain('quedó revocado');
    expect(list).toContain('Revocado');
    expect((await tokenRows()).find((r) => r.id === t.id)!.revoked_at).toBe(rt.clock.now().toISOString());
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'api-token.revoked').where('actor_staff_id', '=', staff.id).execute();
    expect(audit).toHaveLength(1);
    await client.post(`/proveedor/api/${t.id}/revocar`);
    expect(await (await client.get('/proveedor/api')).text()).toContain('ya estaba revocado');
    expect((await client.get('/proveedor/api/00000000-0000-4000-8000-000000000000/revocar')).status).toBe(404);
    expect((await client.post('/proveedor/api/00000000-0000-4000-8000-000000000000/revocar')).status).toBe(404);
  });

  it('revokes once when two administrators confirm at the same moment: one change, one audit row', async () => {
    const t = await createApiToken(rt.deps, cliOperator('ana'), { name: 'Doble', scopes: ['customers:read'], expiresInDays: 30 });
    const [a, b] = await Promise.all([signedInStaff(rt, 'admin'), signedInStaff(rt, 'admin')]);
    await Promise.all([a.client.get('/proveedor/api'), b.client.get('/proveedor/api')]);
    const answers = await Promise.all([a.client.post(`/proveedor/api/${t.id}/revocar`), b.client.post(`/proveedor/api/${t.id}/revocar`)]);
    expect(answers.map((r) => r.status)).toEqual([303, 303]);
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'api-token.revoked').where('target_label', '=', `Doble (${t.prefix})`).execute();
    expect(audit).toHaveLength(1);
    const flashes = await Promise.all([a.client.get('/proveedor/api'), b.client.get('/proveedor/api')].map(async (r) => (await r).text()));
    expect(flashes.filter((h) => h.includes('quedó revocado'))).toHaveLength(1);
    expect(flashes.filter((h) => h.includes('ya estaba revocado'))).toHaveLength(1);
  });

  it('asks a stale second factor again before creating (the form carried through) and before revoking', async () => {
    const admin = await createTestStaff(rt.deps, 'admin');
    const client = await staffClient(rt, admin, { secondFactorAgoMs: 11 * 60_000 });
    const page = await client.get('/proveedor/api/nuevo');
    expect(location(page)).toMatch(/^\/proveedor\/verificar\?volver=/);
    const before = await count('api_tokens');
    const asked = await client.post('/proveedor/api/nuevo', { name: 'Con paso extra', scopes: 'users:write', expiresInDays: '7' });
    expect(asked.status).toBe(200);
    const askedHtml = await asked.text();
    expect(askedHtml).toContain('Confirme que es usted');
    expect(askedHtml).toContain('value="users:write"');
    expect(await count('api_tokens')).toBe(before);
    const done = await client.post('/proveedor/api/nuevo', { name: 'Con paso extra', scopes: 'users:write', expiresInDays: '7', _codigo_paso: totpCode(admin.totpSecret!, rt.clock.now()) });
    expect(done.status).toBe(200);
    expect((await done.text()).match(TOKEN_IN_TEXT)).toHaveLength(2);
    expect(await count('api_tokens')).toBe(before + 1);
  });
});
