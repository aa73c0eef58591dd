import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location } from '../../../../../tests/client.ts';
import { signedInStaff } from '../../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../../tests/test-runtime.ts';
import { createTestEndpoint, queueTestDelivery } from '../../../../../tests/webhook-fixtures.ts';

/** The delivery log over HTTP: filters, pages, one delivery's tries and payload, and "Enviar otra vez". */

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

const delivery = (id: string) => rt.deps.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const resent = async () => (await rt.deps.db.selectFrom('audit_events').select('id').where('action', '=', 'webhook.resent').execute()).length;
const rowsOf = (html: string) => (html.match(/href="\/proveedor\/webhooks\/envios\/[0-9a-f-]{36}"/g) ?? []).length;

describe('/proveedor/webhooks/envios', () => {
  it('filters by endpoint and by each state, and pages through a long log', async () => {
    const a = await createTestEndpoint(rt, { url: 'https://log-a.ejemplo.cl/h', description: 'ERP A' });
    const b = await createTestEndpoint(rt, { url: 'https://log-b.ejemplo.cl/h', description: 'ERP B' });
    const made = {
      pendiente: await queueTestDelivery(rt, a.id, 'pendiente', 'user.created'),
      reintentando: await queueTestDelivery(rt, a.id, 'reintentando', 'contract.started'),
      entregado: await queueTestDelivery(rt, a.id, 'entregado', 'customer.created'),
      fallido: await queueTestDelivery(rt, a.id, 'fallido', 'contract.ended'),
    };
    for (let i = 0; i < 52; i++) await queueTestDelivery(rt, b.id, 'entregado');
    const { client } = await signedInStaff(rt, 'lectura');

    const list = await client.get(`/proveedor/webhooks/envios?webhook=${a.id}`);
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(rowsOf(html)).toBe(4);
    expect(html).toContain('https://log-a.ejemplo.cl/h');
    for (const [state, d] of Object.entries(made)) {
      const page = await (await client.get(`/proveedor/webhooks/envios?webhook=${a.id}&estado=${state}`)).text();
      expect(rowsOf(page), state).toBe(1);
      expect(page, state).toContain(d.deliveryId);
    }
    const retrying = await (await client.get(`/proveedor/webhooks/envios?estado=reintentando&webhook=${a.id}`)).text();
    expect(retrying).toContain('HTTP 503');
    expect(retrying).toContain('próximo intento');

    const first = await (await client.get(`/proveedor/webhooks/envios?webhook=${b.id}`)).text();
    expect(rowsOf(first)).toBe(50);
    expect(first).toContain('Siguientes →');
    const second = await client.get(`/proveedor/webhooks/envios?webhook=${b.id}&pagina=2`);
    const secondHtml = await second.text();
    expect(rowsOf(secondHtml)).toBe(2);
    expect(secondHtml).toContain('← Anteriores');
    expect(secondHtml).not.toContain('Siguientes →');
  });

  it('answers a wrong filter with 422 and the reason in Spanish, never a 500', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    const bad = await client.get('/proveedor/webhooks/envios?estado=perdido&webhook=zzz');
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('Elija un estado de la lista.');
    expect(html).toContain('Elija un webhook de la lista.');
    expect((await client.get('/proveedor/webhooks/envios?pagina=-4')).status).toBe(200);
    expect((await client.get(`/proveedor/webhooks/envios?estado=${'x'.repeat(5000)}`)).status).toBe(422);
  });

  it('shows one delivery with every try (time, answer, duration) and the payload', async () => {
    const e = await createTestEndpoint(rt, { url: 'https://detalle.ejemplo.cl/h' });
    const d = await queueTestDelivery(rt, e.id, 'fallido');
    const { client } = await signedInStaff(rt, 'lectura');
    const res = await client.get(`/proveedor/webhooks/envios/${d.deliveryId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(d.eventId);
    expect(html).toContain('Fallido (no se reintenta)');
    expect(html).toContain('Intentos (3)');
    expect((html.match(/HTTP 503 · El receptor respondió 503/g) ?? []).length).toBe(3);
    expect(html).toContain('40 ms');
    expect(html).toContain('Cliente de Prueba SpA');
    expect(html).toContain('&quot;type&quot;: &quot;customer.created&quot;');
    // lectura reads; it does not send.
    expect(html).not.toContain('Enviar otra vez');
    expect((await client.post(`/proveedor/webhooks/envios/${d.deliveryId}/reenviar`)).status).toBe(403);
    expect((await delivery(d.deliveryId)).dead_at).not.toBeNull();
    expect((await client.get('/proveedor/webhooks/envios/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await client.get('/proveedor/webhooks/envios/no-es-un-id')).status).toBe(404);
  });
});

describe('Enviar otra vez', () => {
  it('puts a dead and a delivered one back in the queue, once for two clicks at once, audited; the earlier tries stay', async () => {
    const e = await createTestEndpoint(rt, { url: 'https://reenvio.ejemplo.cl/h' });
    const dead = await queueTestDelivery(rt, e.id, 'fallido');
    const done = await queueTestDelivery(rt, e.id, 'entregado');
    const { staff, client } = await signedInStaff(rt, 'soporte');
    const before = await resent();
    const page = await (await client.get(`/proveedor/webhooks/envios/${dead.deliveryId}`)).text();
    expect(page).toContain('Enviar otra vez');
    const both = await Promise.all([client.post(`/proveedor/webhooks/envios/${dead.deliveryId}/reenviar`), client.post(`/proveedor/webhooks/envios/${dead.deliveryId}/reenviar`)]);
    expect(both.map((r) => r.status).sort()).toEqual([303, 409]);
    const ok = both.find((r) => r.status === 303)!;
    expect(location(ok)).toBe(`/proveedor/webhooks/envios/${dead.deliveryId}`);
    expect(await delivery(dead.deliveryId)).toMatchObject({ dead_at: null, delivered_at: null, attempts: 0 });
    const again = await (await client.get(`/proveedor/webhooks/envios/${dead.deliveryId}`)).text();
    expect(again).toContain('Pendiente');
    expect(again).toContain('Intentos (3)');

    expect((await client.post(`/proveedor/webhooks/envios/${done.deliveryId}/reenviar`)).status).toBe(303);
    expect(await delivery(done.deliveryId)).toMatchObject({ delivered_at: null, attempts: 0 });
    expect(await resent()).toBe(before + 2);
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'webhook.resent').orderBy('at', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_kind: 'staff', actor_staff_id: staff.id });
  });

  it('says why when it cannot: a paused endpoint, one already due', async () => {
    const e = await createTestEndpoint(rt, { url: 'https://pausado-reenvio.ejemplo.cl/h' });
    const dead = await queueTestDelivery(rt, e.id, 'fallido');
    const waiting = await queueTestDelivery(rt, e.id, 'pendiente');
    const { client } = await signedInStaff(rt, 'admin');
    const due = await client.post(`/proveedor/webhooks/envios/${waiting.deliveryId}/reenviar`);
    expect(due.status).toBe(409);
    expect(await due.text()).toContain('ya está en la cola');
    await client.post(`/proveedor/webhooks/${e.id}/pausar`);
    const paused = await client.post(`/proveedor/webhooks/envios/${dead.deliveryId}/reenviar`);
    expect(paused.status).toBe(409);
    expect(await paused.text()).toContain('está pausado');
    expect((await delivery(dead.deliveryId)).dead_at).not.toBeNull();
  });

  it('the list shows each endpoint’s last answer and its waiting and dead counts', async () => {
    const e = await createTestEndpoint(rt, { url: 'https://cuentas.ejemplo.cl/h', description: 'Cuentas' });
    await queueTestDelivery(rt, e.id, 'fallido');
    await queueTestDelivery(rt, e.id, 'fallido');
    await queueTestDelivery(rt, e.id, 'reintentando');
    const { client } = await signedInStaff(rt, 'lectura');
    const html = await (await client.get('/proveedor/webhooks')).text();
    const row = html.slice(html.indexOf('https://cuentas.ejemplo.cl/h'));
    const cells = row.slice(0, row.indexOf('</tr>'));
    expect(cells).toContain('Falló');
    expect(cells).toContain('HTTP 503');
    expect(cells).toContain(`estado=reintentando">1</a>`);
    expect(cells).toContain(`estado=fallido">2</a>`);
  });
});
