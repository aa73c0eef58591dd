import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueSecretMail, SECRET } from '../../../../tests/outbox-states.ts';
import { signedInStaff } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

const row = (id: string) => rt.deps.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const audits = async () => (await rt.deps.db.selectFrom('audit_events').select('action').where('action', 'in', ['mail.retried', 'mail.discarded']).execute()).length;

describe('/proveedor/correo', () => {
  it('lists the outbox for lectura, with filters, and shows one mail without its secret', async () => {
    const dead = await queueSecretMail(rt, 'muerto@cliente.cl', 'dead');
    await queueSecretMail(rt, 'falla@cliente.cl', 'failed');
    const { client } = await signedInStaff(rt, 'lectura');
    const list = await client.get('/proveedor/correo?estado=dead');
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain('muerto@cliente.cl');
    expect(html).not.toContain('falla@cliente.cl');
    const view = await client.get(`/proveedor/correo/${dead}`);
    expect(view.status).toBe(200);
    const page = await view.text();
    expect(page).toContain('Su clave es «oculto».');
    expect(page).not.toContain(SECRET);
    expect(page).not.toContain('{{secreto');
    // lectura reads only: no buttons, and a POST is refused with nothing written.
    expect(page).not.toContain('Reintentar ahora');
    expect((await client.post(`/proveedor/correo/${dead}/reintentar`)).status).toBe(403);
    expect((await client.post(`/proveedor/correo/${dead}/descartar`)).status).toBe(403);
    expect((await row(dead)).dead_at).not.toBeNull();
    expect(await audits()).toBe(0);
  });

  it('answers a bad filter with 422, an unknown mail with 404, and the editor with 403', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    const res = await client.get('/proveedor/correo?estado=perdido');
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Elija un estado de la lista.');
    expect((await client.get('/proveedor/correo/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await client.post('/proveedor/correo/00000000-0000-4000-8000-000000000000/reintentar')).status).toBe(404);
    const editor = await signedInStaff(rt, 'editor');
    expect((await editor.client.get('/proveedor/correo')).status).toBe(403);
  });

  it('lets soporte retry a dead mail and discard a waiting one', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    const dead = await queueSecretMail(rt, 'reintento@cliente.cl', 'dead');
    const retried = await client.post(`/proveedor/correo/${dead}/reintentar`);
    expect(retried.status).toBe(303);
    expect((await row(dead)).dead_at).toBeNull();
    const waiting = await queueSecretMail(rt, 'descarte@cliente.cl', 'failed');
    expect((await client.post(`/proveedor/correo/${waiting}/descartar`)).status).toBe(303);
    expect((await row(waiting)).last_error_kind).toBe('discarded');
    expect(await audits()).toBe(2);
  });

  it('refuses to retry a mail whose secret is gone, saying what to do instead (409)', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const id = await queueSecretMail(rt, 'sinclave@cliente.cl', 'dead-scrubbed');
    const page = await (await client.get(`/proveedor/correo/${id}`)).text();
    expect(page).not.toContain('Reintentar ahora');
    expect(page).toContain('Reenviar credenciales');
    const res = await client.post(`/proveedor/correo/${id}/reintentar`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('no puede reenviarse');
    expect((await row(id)).dead_at).not.toBeNull();
  });
});
