import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPortal, type ApiPortal } from '../../tests/api-client.ts';

let portal: ApiPortal;
beforeAll(async () => {
  portal = await startApiPortal({ withHelp: true });
});
afterAll(() => portal.close());

describe('/api/v1 basics', () => {
  it('serves its OpenAPI 3.1 document without a token, with the bearer scheme and each operation\'s scope', async () => {
    const res = await fetch(`${portal.base}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/systems'].get['x-required-scope']).toBe('customers:read');
  });

  it('refuses a call without a token, or with a made-up one, with 401 problem+json and the bearer challenge', async () => {
    const none = await portal.anonymous().get('/systems');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="mi-portal"');
    expect(none.body).toMatchObject({ status: 401, code: 'unauthorized' });
    const fake = await portal.anonymous(`mpt_00000000.${'a'.repeat(43)}`).get('/systems');
    expect(fake.status).toBe(401);
    expect(fake.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('lists the systems for a token with customers:read, and refuses one without it (403, the scope named)', async () => {
    const reader = await portal.client(['customers:read']);
    const ok = await reader.get('/systems');
    expect(ok.status).toBe(200);
    expect(ok.body.items.map((s: { slug: string }) => s.slug)).toContain('contabilidad');
    const writer = await portal.client(['audit:read']);
    const no = await writer.get('/systems');
    expect(no.status).toBe(403);
    expect(no.body).toMatchObject({ code: 'insufficient-scope' });
    expect(no.body.detail).toContain('customers:read');
  });

  it('answers an unknown path with a 404 problem, and audits every authenticated call with the token as actor', async () => {
    const c = await portal.client(['customers:read'], 'auditado');
    const res = await c.get('/no-existe');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const rows = await portal.rt.deps.db.selectFrom('audit_events').select(['actor_kind', 'actor_label', 'actor_api_token_id', 'detail']).where('action', '=', 'api.request').execute();
    const mine = rows.filter((r) => r.actor_label.startsWith('api:auditado'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ actor_kind: 'api' });
    expect(mine[0]!.actor_api_token_id).toBeTruthy();
    expect(JSON.parse(mine[0]!.detail!)).toMatchObject({ method: 'GET', path: '/api/v1/no-existe', status: 404 });
  });

  it('refuses a body key the operation does not know (422 at that key, nothing written), and says so in the document', async () => {
    const doc = await (await fetch(`${portal.base}/api/v1/openapi.json`)).json();
    expect(doc.paths['/customers'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    const writer = await portal.client(['customers:write']);
    const before = await portal.rt.deps.db.selectFrom('customers').select('id').execute();
    const res = await writer.post('/customers', { rut: '76.086.428-5', name: 'Con Campo De Más SpA', adminName: 'Ana Soto', adminEmail: 'ana@demas.cl', plan: 'Plan Pyme' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ pointer: '/plan', detail: 'Este campo no existe en esta operación: revise su nombre en la referencia de la API.' }]);
    expect(await portal.rt.deps.db.selectFrom('customers').select('id').execute()).toHaveLength(before.length);
  });
});
