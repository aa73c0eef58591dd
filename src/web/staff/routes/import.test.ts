import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRut } from '../../../../tests/factories.ts';
import { TestClient } from '../../../../tests/client.ts';
import { signedInStaff } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { settleImports } from '../../../imports/run-import.ts';

let rt: TestRuntime;
const HEADER = 'rut;razon_social;admin_nombre;admin_correo;sistema;plan;desde;hasta';

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  await rt.deps.db.insertInto('systems').values({ id: randomUUID(), slug: 'contabilidad', name: 'Contabilidad', description: '', position: 0 }).execute();
});
afterAll(() => rt.close());

/** POST the upload form as a browser does: multipart, the CSRF token as a field beside the file. */
async function upload(client: TestClient, content: string | Uint8Array<ArrayBuffer>, opts: { csrf?: string; name?: string } = {}) {
  const fd = new FormData();
  fd.set('_csrf', opts.csrf ?? client.cookies.get('staff_csrf') ?? '');
  fd.set('archivo', new File([content], opts.name ?? 'clientes.csv', { type: 'text/csv' }));
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return rt.app.request('/proveedor/importar', { method: 'POST', body: fd, headers: { cookie, 'x-forwarded-for': '198.51.100.77' } });
}
const customers = async () => (await rt.deps.db.selectFrom('customers').select('id').execute()).length;

describe('/proveedor/importar', () => {
  it('shows a running import’s progress, reloading itself, and a run whose process stopped as interrupted with nothing written', async () => {
    const { client, staff } = await signedInStaff(rt, 'soporte');
    const id = randomUUID();
    const at = rt.clock.now().toISOString();
    await rt.deps.db
      .insertInto('import_runs')
      .values({ id, staff_id: staff.id, file_name: 'grande.csv', status: 'running', total_rows: 300, done_rows: 0, problems: null, summary: null, created_at: at, finished_at: null, prepared: 120, to_prepare: 300, progress_at: at })
      .execute();
    const page = await (await client.get(`/proveedor/importar/${id}`)).text();
    expect(page).toContain('120 de 300');
    expect(page).toContain(`<a href="/proveedor/importar/${id}">Actualizar el avance</a>`);
    expect(page).toMatch(/<progress id="avance"/);
    rt.clock.advance(6 * 60_000);
    const stalled = await (await client.get(`/proveedor/importar/${id}`)).text();
    expect(stalled).toContain('se interrumpió');
    expect(stalled).not.toContain('Actualizar el avance');
  });

  it('shows the page with the columns and serves the template', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    const page = await client.get('/proveedor/importar');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('<code>admin_correo</code>');
    const tpl = await client.get('/proveedor/importar/plantilla.csv');
    expect(tpl.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await tpl.text()).replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('rut,razon_social,admin_nombre,admin_correo,sistema,plan,desde,hasta');
  });

  it('an uploaded file with a bad row: 422, every problem with its line, nothing written; the fixed file is written and mails queued', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    await client.get('/proveedor/importar');
    const rut = newRut();
    const before = await customers();
    const bad = `\uFEFF${HEADER}\r\n${rut};Alfa SpA;Ana;ana@alfa.cl;contabilidad;Plan Pyme;2026-01-01;\r\n${newRut()};Beta;Bruno;bruno@@beta;contabilidad;Plan;2026-01-01;\r\n`;
    const res = await upload(client, bad);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('no se escribió nada');
    expect(html).toMatch(/<th scope="row">3<\/th>\s*<td data-label="Columna"><code>admin_correo<\/code>/);
    expect(await customers()).toBe(before);

    const good = `\uFEFF${HEADER}\r\n${rut};Alfa SpA;Ana;ana@alfa.cl;contabilidad;Plan Pyme;2026-01-01;\r\n`;
    const ok = await upload(client, good);
    expect(ok.status).toBe(303);
    // A small file is written within the answer's short wait; a large one's page would show its progress.
    await settleImports();
    const runPage = await (await client.get(ok.headers.get('location')!)).text();
    expect(runPage).toContain('Se crearon 1 clientes');
    expect(runPage).not.toContain('Actualizar el avance');
    expect(await customers()).toBe(before + 1);
    expect(await rt.deps.db.selectFrom('outbox').select('id').where('to_address', '=', 'ana@alfa.cl').execute()).toHaveLength(1);
  });

  it('takes pasted text (urlencoded) as a fallback, beyond the usual 64 KiB', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    // One new customer (one password to hash) with a contract a day: well past the usual limit.
    const rut = newRut();
    const day = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const rows = Array.from({ length: 800 }, (_, i) => `${rut};Empresa de prueba con varios contratos SpA;${i === 0 ? 'Persona;persona@prueba.cl' : ';'};contabilidad;Plan mensual;${day(i)};${day(i)}`);
    const text = [HEADER, ...rows].join('\n');
    expect(text.length).toBeGreaterThan(64 * 1024);
    const res = await client.post('/proveedor/importar', { texto: text });
    expect(res.status).toBe(303);
  });

  it('sends an upload without a live staff session to sign in before reading it (an oversized one is not even counted)', async () => {
    const anonymous = new TestClient(rt, {}, 'staff_csrf');
    await anonymous.get('/proveedor');
    const res = await upload(anonymous, new Uint8Array(2 * 1024 * 1024 + 10).fill(0x61));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/proveedor/ingresar');
  });

  it('refuses an empty submission with 422, a bad CSRF field with 403, and a body over 2 MiB with 413', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    await client.get('/proveedor/importar');
    const empty = await client.post('/proveedor/importar', { texto: '  ' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Elija un archivo CSV o pegue su contenido.');
    expect((await upload(client, `${HEADER}\n`, { csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await upload(client, new Uint8Array(2 * 1024 * 1024 + 10).fill(0x61))).status).toBe(413);
  });

  it('refuses multipart on every other console route (415)', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    await client.get('/proveedor');
    const fd = new FormData();
    fd.set('_csrf', client.cookies.get('staff_csrf')!);
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await rt.app.request('/proveedor/salir', { method: 'POST', body: fd, headers: { cookie } });
    expect(res.status).toBe(415);
  });

  it('is not for lectura or editor (403, nothing written), and an unknown run is a 404', async () => {
    const before = await customers();
    for (const role of ['lectura', 'editor'] as const) {
      const { client } = await signedInStaff(rt, role);
      expect((await client.get('/proveedor/importar')).status).toBe(403);
      await client.get('/proveedor');
      expect((await upload(client, `${HEADER}\n${newRut()};X;Y;y@x.cl;;;;\n`)).status).toBe(403);
    }
    expect(await customers()).toBe(before);
    const { client } = await signedInStaff(rt, 'soporte');
    expect((await client.get(`/proveedor/importar/${randomUUID()}`)).status).toBe(404);
    expect((await client.get('/proveedor/importar/nada')).status).toBe(404);
  });
});
