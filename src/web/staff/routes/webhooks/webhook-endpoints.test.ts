import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location } from '../../../../../tests/client.ts';
import { createTestStaff, signedInStaff, staffClient } from '../../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../../tests/test-runtime.ts';
import { createTestEndpoint, queueTestDelivery } from '../../../../../tests/webhook-fixtures.ts';
import { WEBHOOK_CHANGED_MEANWHILE } from '../../../../webhooks/change-webhook-endpoint.ts';
import { DELIVERY_IN_FLIGHT, PAUSE_BEFORE_DELETE } from '../../../../webhooks/delete-webhook-endpoint.ts';
import { DUPLICATE_WEBHOOK_URL } from '../../../../webhooks/webhook-endpoint-input.ts';

/** The console's webhook endpoints over HTTP: forms and every mistake, roles, CSRF, step-up, two staff at once. */

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

const endpoints = () => rt.deps.db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();
const endpoint = (id: string) => rt.deps.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const audits = (action: string) => rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('at').execute();
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const good = (url: string) => new URLSearchParams([['url', url], ['description', 'ERP de facturación'], ['evento', 'customer.created'], ['evento', 'contract.ended']]);

/** The form as a browser sends it: repeated "evento" fields. */
async function postForm(client: Awaited<ReturnType<typeof signedInStaff>>['client'], path: string, form: URLSearchParams) {
  if (!client.cookies.has('staff_csrf')) await client.get('/proveedor');
  form.set('_csrf', client.cookies.get('staff_csrf')!);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return rt.app.request(path, { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': '198.51.100.7' } });
}

describe('/proveedor/webhooks/nuevo', () => {
  it('lists every mistake in Spanish and saves nothing', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const form = await client.get('/proveedor/webhooks/nuevo');
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Registrar webhook');
    const before = (await endpoints()).length;
    const res = await postForm(client, '/proveedor/webhooks/nuevo', new URLSearchParams([['url', 'http://erp.ejemplo.cl/hooks'], ['description', '  ']]));
    expect(res.status).toBe(422);
    const html = unescape(await res.text());
    expect(html).toContain('La URL debe empezar con https://');
    expect(html).toContain('Escriba para qué es este webhook');
    expect(html).toContain('Marque al menos un evento.');
    // What was typed comes back in the form.
    expect(html).toContain('value="http://erp.ejemplo.cl/hooks"');
    for (const [url, message] of [
      ['ftp://erp.ejemplo.cl/x', 'La URL debe empezar con https://.'],
      ['erp.ejemplo.cl', 'Escriba una URL completa'],
      ['https://usuario:clave@erp.ejemplo.cl/x', 'no puede llevar usuario ni clave'],
      ['http://127.0.0.1:9/x', 'La URL debe empezar con https://'],
      ['https://169.254.169.254/latest/meta-data', 'nunca se permite'],
      ['https://10.0.0.5/x', 'red privada'],
      [`https://erp.ejemplo.cl/${'x'.repeat(2000)}`, 'como máximo 2000 caracteres'],
    ] as const) {
      const r = await postForm(client, '/proveedor/webhooks/nuevo', new URLSearchParams([['url', url], ['description', 'ERP'], ['evento', 'user.created']]));
      expect(r.status, url).toBe(422);
      expect(unescape(await r.text()), url).toContain(message);
    }
    const unknownEvent = await postForm(client, '/proveedor/webhooks/nuevo', new URLSearchParams([['url', 'https://erp.ejemplo.cl/x'], ['description', 'ERP'], ['evento', 'customer.exploded']]));
    expect(unknownEvent.status).toBe(422);
    expect(await unknownEvent.text()).toContain('Elija los eventos de la lista.');
    const control = await postForm(client, '/proveedor/webhooks/nuevo', new URLSearchParams([['url', 'https://erp.ejemplo.cl/x'], ['description', 'ERP\u202Eroto'], ['evento', 'user.created']]));
    expect(control.status).toBe(422);
    expect((await endpoints()).length).toBe(before);
    expect(await audits('webhook-endpoint.created')).toHaveLength(0);
  });

  it('registers an endpoint with a secret made by the portal, audited with the staff member, and shows it only on request', async () => {
    const { staff, client } = await signedInStaff(rt, 'admin');
    const res = await postForm(client, '/proveedor/webhooks/nuevo', good('https://ERP.Ejemplo.cl:443/webhooks/portal#x'));
    expect(res.status).toBe(303);
    const id = location(res)!.split('/').pop()!;
    const row = await endpoint(id);
    // Canonical: the scheme and host lower-case, the default port and the fragment gone.
    expect(row.url).toBe('https://erp.ejemplo.cl/webhooks/portal');
    expect(row.events).toBe('customer.created contract.ended');
    expect(row.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(row.secret.slice(6), 'base64')).toHaveLength(32);
    expect(row.disabled_at).toBeNull();
    const [audit] = (await audits('webhook-endpoint.created')).filter((a) => a.target_label === row.url);
    expect(audit).toMatchObject({ actor_kind: 'staff', actor_staff_id: staff.id, actor_label: staff.email });
    expect(audit!.detail).not.toContain(row.secret);

    const page = await client.get(`/proveedor/webhooks/${id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('https://erp.ejemplo.cl/webhooks/portal');
    expect(html).toContain('Mostrar secreto');
    expect(html).not.toContain(row.secret);
    const shown = await client.post(`/proveedor/webhooks/${id}/secreto`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain(row.secret);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect((await audits('webhook-endpoint.secret-shown')).at(-1)).toMatchObject({ actor_staff_id: staff.id, target_label: row.url });
  });

  it('refuses a second endpoint for the same address, however it is spelled; of two at once, one is registered', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    expect((await postForm(client, '/proveedor/webhooks/nuevo', good('https://crm.ejemplo.cl/hooks'))).status).toBe(303);
    const again = await postForm(client, '/proveedor/webhooks/nuevo', good('HTTPS://crm.EJEMPLO.cl/hooks'));
    expect(again.status).toBe(422);
    expect(unescape(await again.text())).toContain(DUPLICATE_WEBHOOK_URL);

    const other = await signedInStaff(rt, 'admin');
    const both = await Promise.all([postForm(client, '/proveedor/webhooks/nuevo', good('https://doble.ejemplo.cl/h')), postForm(other.client, '/proveedor/webhooks/nuevo', good('https://doble.ejemplo.cl/h'))]);
    expect(both.map((r) => r.status).sort()).toEqual([303, 422]);
    expect((await endpoints()).filter((e) => e.url === 'https://doble.ejemplo.cl/h')).toHaveLength(1);
    expect((await audits('webhook-endpoint.created')).filter((a) => a.target_label === 'https://doble.ejemplo.cl/h')).toHaveLength(1);

    // Different addresses at once: every one registered.
    const many = await Promise.all([1, 2, 3, 4].map((n) => postForm(n % 2 ? client : other.client, '/proveedor/webhooks/nuevo', good(`https://muchos-${n}.ejemplo.cl/h`))));
    expect(many.map((r) => r.status)).toEqual([303, 303, 303, 303]);
  });
});

describe('/proveedor/webhooks/:id/editar', () => {
  it('changes the address, description and events, audited before and after; a mistake saves nothing', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const e = await createTestEndpoint(rt, { url: 'https://editar.ejemplo.cl/a' });
    const form = await client.get(`/proveedor/webhooks/${e.id}/editar`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('value="https://editar.ejemplo.cl/a"');
    expect(html).toMatch(/<input type="checkbox" id="events" name="evento" value="customer.created" checked/);
    const bad = await postForm(client, `/proveedor/webhooks/${e.id}/editar`, new URLSearchParams([['revision', '0'], ['url', 'https://editar.ejemplo.cl/b'], ['description', 'x'.repeat(201)]]));
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('La descripción puede tener como máximo 200 caracteres.');
    expect(badHtml).toContain('Marque al menos un evento.');
    expect((await endpoint(e.id)).url).toBe('https://editar.ejemplo.cl/a');

    const res = await postForm(client, `/proveedor/webhooks/${e.id}/editar`, new URLSearchParams([['revision', '0'], ['url', 'https://editar.ejemplo.cl/b'], ['description', 'CRM'], ['evento', 'article.published']]));
    expect(res.status).toBe(303);
    expect(await endpoint(e.id)).toMatchObject({ url: 'https://editar.ejemplo.cl/b', description: 'CRM', events: 'article.published', revision: 1 });
    const audit = (await audits('webhook-endpoint.changed')).at(-1)!;
    expect(JSON.parse(audit.detail!)).toMatchObject({ before: { url: 'https://editar.ejemplo.cl/a' }, after: { url: 'https://editar.ejemplo.cl/b', events: ['article.published'] } });
    // The same values again: nothing to save, nothing recorded.
    const n = (await audits('webhook-endpoint.changed')).length;
    expect((await postForm(client, `/proveedor/webhooks/${e.id}/editar`, new URLSearchParams([['revision', '1'], ['url', 'https://editar.ejemplo.cl/b'], ['description', 'CRM'], ['evento', 'article.published']]))).status).toBe(303);
    expect(await audits('webhook-endpoint.changed')).toHaveLength(n);
  });

  it('of two edits made from the same form at once, one is saved and the other is told, not silently undone', async () => {
    const a = await signedInStaff(rt, 'admin');
    const b = await signedInStaff(rt, 'admin');
    const e = await createTestEndpoint(rt, { url: 'https://carrera.ejemplo.cl/a' });
    const edit = (desc: string) => new URLSearchParams([['revision', '0'], ['url', 'https://carrera.ejemplo.cl/a'], ['description', desc], ['evento', 'user.created']]);
    const [ra, rb] = await Promise.all([postForm(a.client, `/proveedor/webhooks/${e.id}/editar`, edit('De Ana')), postForm(b.client, `/proveedor/webhooks/${e.id}/editar`, edit('De Beto'))]);
    expect([ra.status, rb.status].sort()).toEqual([303, 409]);
    const loser = ra.status === 409 ? ra : rb;
    const text = unescape(await loser.text());
    expect(text).toContain(WEBHOOK_CHANGED_MEANWHILE);
    const row = await endpoint(e.id);
    expect(row.revision).toBe(1);
    // The refused form now shows what was saved, at the new revision, for the loser to redo their change on.
    expect(text).toContain(`value="${row.description}"`);
    expect(text).toContain('name="revision" value="1"');
    expect((await audits('webhook-endpoint.changed')).filter((x) => x.target_label === 'https://carrera.ejemplo.cl/a')).toHaveLength(1);
    // A form without a revision cannot overwrite either.
    const forged = await postForm(a.client, `/proveedor/webhooks/${e.id}/editar`, new URLSearchParams([['url', 'https://carrera.ejemplo.cl/z'], ['description', 'Otra'], ['evento', 'user.created']]));
    expect(forged.status).toBe(409);
    expect((await endpoint(e.id)).url).toBe('https://carrera.ejemplo.cl/a');
  });

  it('refuses to move an endpoint onto another one’s address', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    await createTestEndpoint(rt, { url: 'https://ocupada.ejemplo.cl/a' });
    const e = await createTestEndpoint(rt, { url: 'https://libre.ejemplo.cl/a' });
    const r = await postForm(client, `/proveedor/webhooks/${e.id}/editar`, new URLSearchParams([['revision', '0'], ['url', 'https://ocupada.ejemplo.cl/a'], ['description', 'X'], ['evento', 'user.created']]));
    expect(r.status).toBe(422);
    expect(unescape(await r.text())).toContain(DUPLICATE_WEBHOOK_URL);
  });
});

describe('pause, resume, delete, secrets', () => {
  it('pauses and resumes once however many clicks arrive at once', async () => {
    const a = await signedInStaff(rt, 'admin');
    const b = await signedInStaff(rt, 'admin');
    const e = await createTestEndpoint(rt, { url: 'https://pausa.ejemplo.cl/a' });
    const pauses = await Promise.all([a.client.post(`/proveedor/webhooks/${e.id}/pausar`), b.client.post(`/proveedor/webhooks/${e.id}/pausar`), a.client.post(`/proveedor/webhooks/${e.id}/pausar`)]);
    expect(pauses.map((r) => r.status)).toEqual([303, 303, 303]);
    expect((await endpoint(e.id)).disabled_at).not.toBeNull();
    expect((await audits('webhook-endpoint.disabled')).filter((x) => x.target_label === 'https://pausa.ejemplo.cl/a')).toHaveLength(1);
    const page = await (await a.client.get(`/proveedor/webhooks/${e.id}`)).text();
    expect(page).toContain('Pausado');
    expect(page).toContain('Reanudar');
    expect((await a.client.post(`/proveedor/webhooks/${e.id}/reanudar`)).status).toBe(303);
    expect((await endpoint(e.id)).disabled_at).toBeNull();
    expect((await audits('webhook-endpoint.enabled')).filter((x) => x.target_label === 'https://pausa.ejemplo.cl/a')).toHaveLength(1);
  });

  it('deletes only a paused endpoint with nothing in flight, with its log, keeping the counts in the audit trail', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const e = await createTestEndpoint(rt, { url: 'https://borrar.ejemplo.cl/a' });
    const delivered = await queueTestDelivery(rt, e.id, 'entregado');
    await queueTestDelivery(rt, e.id, 'fallido');
    const waiting = await queueTestDelivery(rt, e.id, 'reintentando');

    const active = await client.post(`/proveedor/webhooks/${e.id}/eliminar`);
    expect(active.status).toBe(409);
    expect(unescape(await active.text())).toContain(PAUSE_BEFORE_DELETE);
    expect((await client.get(`/proveedor/webhooks/${e.id}/eliminar`)).status).toBe(200);

    await client.post(`/proveedor/webhooks/${e.id}/pausar`);
    // A try the worker started before the pause: wait for it.
    await rt.deps.db.updateTable('webhook_deliveries').set({ locked_until: new Date(rt.clock.now().getTime() + 30_000).toISOString(), locked_by: 'otro' }).where('id', '=', waiting.deliveryId).execute();
    const busy = await client.post(`/proveedor/webhooks/${e.id}/eliminar`);
    expect(busy.status).toBe(409);
    expect(unescape(await busy.text())).toContain(DELIVERY_IN_FLIGHT);
    await rt.deps.db.updateTable('webhook_deliveries').set({ locked_until: null, locked_by: null }).where('id', '=', waiting.deliveryId).execute();

    const confirm = await (await client.get(`/proveedor/webhooks/${e.id}/eliminar`)).text();
    expect(confirm).toContain('1 pendientes y 1 fallidos no se enviarán');
    const [first, second] = await Promise.all([client.post(`/proveedor/webhooks/${e.id}/eliminar`), client.post(`/proveedor/webhooks/${e.id}/eliminar`)]);
    expect([first.status, second.status].sort()).toEqual([303, 404]);
    expect(await rt.deps.db.selectFrom('webhook_endpoints').select('id').where('id', '=', e.id).execute()).toEqual([]);
    expect(await rt.deps.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', e.id).execute()).toEqual([]);
    expect(await rt.deps.db.selectFrom('webhook_delivery_attempts').select('id').where('delivery_id', '=', delivered.deliveryId).execute()).toEqual([]);
    const audit = (await audits('webhook-endpoint.deleted')).find((x) => x.target_label === 'https://borrar.ejemplo.cl/a')!;
    expect(JSON.parse(audit.detail!)).toMatchObject({ deliveries: { delivered: 1, dead: 1, pending: 1 }, events: ['customer.created', 'contract.created'] });
    // The event itself stays: it happened, whoever heard of it.
    expect(await rt.deps.db.selectFrom('webhook_events').select('id').where('id', '=', delivered.eventId).execute()).toHaveLength(1);
  });

  it('rotates the secret after a confirmation page, showing the new one; the old one is gone', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const e = await createTestEndpoint(rt, { url: 'https://rotar.ejemplo.cl/a' });
    const old = (await endpoint(e.id)).secret;
    const confirm = await client.get(`/proveedor/webhooks/${e.id}/rotar-secreto`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).not.toContain(old);
    const res = await client.post(`/proveedor/webhooks/${e.id}/rotar-secreto`);
    expect(res.status).toBe(200);
    const now = (await endpoint(e.id)).secret;
    expect(now).not.toBe(old);
    expect(now).toMatch(/^whsec_/);
    const html = await res.text();
    expect(html).toContain(now);
    expect(html).not.toContain(old);
    expect((await audits('webhook-endpoint.secret-rotated')).at(-1)!.target_label).toBe('https://rotar.ejemplo.cl/a');
  });
});

describe('who may do what', () => {
  it('soporte and lectura read the list and an endpoint without its secret or a write button; every write of theirs is 403 and changes nothing', async () => {
    const e = await createTestEndpoint(rt, { url: 'https://roles.ejemplo.cl/a' });
    const secret = (await endpoint(e.id)).secret;
    for (const role of ['soporte', 'lectura'] as const) {
      const { client } = await signedInStaff(rt, role);
      const list = await client.get('/proveedor/webhooks');
      expect(list.status).toBe(200);
      const html = await list.text();
      expect(html).toContain('https://roles.ejemplo.cl/a');
      expect(html).not.toContain('Registrar webhook');
      const page = await (await client.get(`/proveedor/webhooks/${e.id}`)).text();
      expect(page).not.toContain(secret);
      expect(page).not.toContain('Mostrar secreto');
      for (const path of ['secreto', 'rotar-secreto', 'pausar', 'eliminar']) expect((await client.post(`/proveedor/webhooks/${e.id}/${path}`)).status, `${role} ${path}`).toBe(403);
      expect((await postForm(client, '/proveedor/webhooks/nuevo', good('https://nunca.ejemplo.cl/a'))).status).toBe(403);
    }
    expect(await endpoint(e.id)).toMatchObject({ secret, disabled_at: null });
    expect((await endpoints()).some((x) => x.url === 'https://nunca.ejemplo.cl/a')).toBe(false);
    const editor = await signedInStaff(rt, 'editor');
    expect((await editor.client.get('/proveedor/webhooks')).status).toBe(403);
  });

  it('asks an administrator whose second factor is old for a new code before any write, and writes nothing until then', async () => {
    const admin = await createTestStaff(rt.deps, 'admin');
    const client = await staffClient(rt, admin, { secondFactorAgoMs: rt.config.staffStepUpMs + 60_000 });
    const res = await postForm(client, '/proveedor/webhooks/nuevo', good('https://paso.ejemplo.cl/a'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Confirme que es usted');
    // The form's fields ride along, to be sent again with the code.
    expect(html).toContain('value="https://paso.ejemplo.cl/a"');
    expect((await endpoints()).some((x) => x.url === 'https://paso.ejemplo.cl/a')).toBe(false);
    const page = await client.get('/proveedor/webhooks/nuevo');
    expect(page.status).toBe(303);
    expect(location(page)).toMatch(/^\/proveedor\/verificar\?volver=/);
  });

  it('refuses a form without the console’s CSRF token (403) and saves nothing', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const e = await createTestEndpoint(rt, { url: 'https://csrf.ejemplo.cl/a' });
    for (const path of ['/proveedor/webhooks/nuevo', `/proveedor/webhooks/${e.id}/pausar`, `/proveedor/webhooks/${e.id}/secreto`, `/proveedor/webhooks/${e.id}/rotar-secreto`]) {
      const res = await client.post(path, { _csrf: 'falso', url: 'https://csrf2.ejemplo.cl/a', description: 'x', evento: 'user.created' });
      expect(res.status, path).toBe(403);
    }
    expect(await endpoint(e.id)).toMatchObject({ disabled_at: null });
    expect(await audits('webhook-endpoint.secret-shown').then((r) => r.filter((x) => x.target_label === 'https://csrf.ejemplo.cl/a'))).toHaveLength(0);
    expect((await endpoints()).some((x) => x.url === 'https://csrf2.ejemplo.cl/a')).toBe(false);
  });

  it('answers 404 for an endpoint that does not exist', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const none = '00000000-0000-4000-8000-000000000000';
    expect((await client.get(`/proveedor/webhooks/${none}`)).status).toBe(404);
    expect((await client.get(`/proveedor/webhooks/${none}/editar`)).status).toBe(404);
    expect((await postForm(client, `/proveedor/webhooks/${none}/editar`, good('https://x.ejemplo.cl/a'))).status).toBe(404);
    for (const path of ['pausar', 'reanudar', 'eliminar', 'secreto', 'rotar-secreto']) expect((await client.post(`/proveedor/webhooks/${none}/${path}`)).status, path).toBe(404);
  });
});
