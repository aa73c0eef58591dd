import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location, TestClient } from '../../../../../tests/client.ts';
import { signedInStaff } from '../../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../../tests/test-runtime.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser } from '../../../../../tests/factories.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

let rt: TestRuntime;
let editor: TestClient;
let reader: TestClient;
let article: { id: string; slug: string };

beforeAll(async () => {
  rt = await createTestRuntime();
  editor = (await signedInStaff(rt, 'editor')).client;
  reader = (await signedInStaff(rt, 'lectura')).client;
  await editor.get('/proveedor');
  await reader.get('/proveedor');
  article = await rt.deps.db.selectFrom('help_articles').select(['id', 'slug']).where('slug', '=', 'cierre-mensual').executeTakeFirstOrThrow();
});
afterAll(() => rt?.close());

/** The upload form as a browser posts it: multipart, the CSRF token beside the file. */
function upload(client: TestClient, name: string, data: Uint8Array, id = article.id) {
  const fd = new FormData();
  fd.set('_csrf', client.cookies.get('staff_csrf') ?? '');
  fd.set('archivo', new File([data as Uint8Array<ArrayBuffer>], name, { type: 'application/octet-stream' }));
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return rt.app.request(`/proveedor/ayuda/articulos/${id}/archivos`, { method: 'POST', body: fd, headers: { cookie, 'x-forwarded-for': '198.51.100.80' } });
}

const files = async () => (await rt.deps.db.selectFrom('help_attachments').select(['path', 'draft']).where('article_id', '=', article.id).orderBy('path').execute()).map((f) => `${f.path}:${f.draft}`);

describe('/proveedor/ayuda/articulos/:id/archivos', () => {
  it('uploads a draft file, shows it marked with the Markdown to paste, serves it to staff and not to readers', async () => {
    const res = await upload(editor, 'Mi Captura.png', PNG);
    expect(res.status).toBe(303);
    expect(location(res)).toBe(`/proveedor/ayuda/articulos/${article.id}/archivos`);
    const flash = Buffer.from(new Map(res.headers.getSetCookie().map((l) => l.split(';')[0]!.split('=') as [string, string])).get('staff_flash') ?? '', 'base64url').toString();
    expect(flash).toBe('Archivo subido como imagenes/mi-captura.png. Para usarlo, pegue en el artículo: ![mi-captura](imagenes/mi-captura.png)');
    expect(await files()).toContain('imagenes/mi-captura.png:1');
    const page = await (await editor.get(`/proveedor/ayuda/articulos/${article.id}/archivos`)).text();
    expect(page).toContain('<code>![mi-captura](imagenes/mi-captura.png)</code>');
    expect(page).toContain('<span class="badge state-pending">borrador</span>');
    expect(page).toContain('enctype="multipart/form-data"');

    const img = await editor.get(`/proveedor/ayuda/articulos/${article.id}/archivos/imagenes/mi-captura.png`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('x-content-type-options')).toBe('nosniff');
    expect(img.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(PNG);
    expect((await reader.get(`/proveedor/ayuda/articulos/${article.id}/archivos/imagenes/mi-captura.png`)).status).toBe(200);

    // A customer's technical user with the contract: the draft file is not theirs to see.
    const customer = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, customer.id, 'contabilidad', '2026-01-01', null);
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const client = new TestClient(rt);
    expect((await client.signIn(customer.rut, tech.email, tech.password)).status).toBe(303);
    expect((await client.get(`/ayuda/contabilidad/${article.slug}/adjuntos/imagenes/mi-captura.png`)).status).toBe(404);
    // Published (as publishDraft does): now it is.
    await rt.deps.db.updateTable('help_attachments').set({ draft: 0 }).where('article_id', '=', article.id).where('path', '=', 'imagenes/mi-captura.png').execute();
    expect((await client.get(`/ayuda/contabilidad/${article.slug}/adjuntos/imagenes/mi-captura.png`)).status).toBe(200);
  });

  it('serves a file that is not an image as a download, and answers 404 for another article, a path trick or an unknown id', async () => {
    await upload(editor, 'datos.csv', new TextEncoder().encode('a,b\n1,2\n'));
    const csv = await editor.get(`/proveedor/ayuda/articulos/${article.id}/archivos/archivos/datos.csv`);
    expect(csv.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''datos.csv");
    const other = await rt.deps.db.selectFrom('help_articles').select('id').where('id', '!=', article.id).executeTakeFirstOrThrow();
    expect((await editor.get(`/proveedor/ayuda/articulos/${other.id}/archivos/archivos/datos.csv`)).status).toBe(404);
    expect((await editor.get(`/proveedor/ayuda/articulos/${article.id}/archivos/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await editor.get(`/proveedor/ayuda/articulos/${article.id}/archivos/a%00b`)).status).toBe(404);
    expect((await editor.get('/proveedor/ayuda/articulos/no-existe/archivos')).status).toBe(404);
  });

  it('refuses a renamed file and a path trick with a clear message; lectura cannot upload and sees no form; signed-out goes to sign in', async () => {
    const before = await files();
    const bad = await upload(editor, 'foto.png', new TextEncoder().encode('<script>x</script>'));
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('El contenido del archivo no corresponde a su extensión (image/png): ¿es un archivo renombrado?');
    const trick = await upload(editor, '../../x.png', PNG);
    expect(trick.status).toBe(422);
    expect(await trick.text()).toContain('no es un nombre de archivo válido');
    const big = new Uint8Array(5 * 1024 * 1024 + 10);
    big.set(PNG);
    const tooBig = await upload(editor, 'grande.png', big);
    expect(tooBig.status).toBe(422);
    expect(await tooBig.text()).toContain('el máximo es 5 MiB');
    // Past what the route reads at all: refused before the body is read to its end.
    expect((await upload(editor, 'enorme.png', new Uint8Array(7 * 1024 * 1024))).status).toBe(413);
    expect((await upload(reader, 'x.png', PNG)).status).toBe(403);
    const anon = new TestClient(rt, {}, 'staff_csrf');
    await anon.get('/proveedor/ingresar');
    const res = await upload(anon, 'x.png', PNG);
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/proveedor/ingresar');
    expect(await files()).toEqual(before);
    const page = await (await reader.get(`/proveedor/ayuda/articulos/${article.id}/archivos`)).text();
    expect(page).not.toContain('enctype="multipart/form-data"');
    // Multipart anywhere else in the console is still refused unread.
    const fd = new FormData();
    fd.set('_csrf', editor.cookies.get('staff_csrf') ?? '');
    const cookie = [...editor.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    expect((await rt.app.request('/proveedor/ayuda/sistemas/nuevo', { method: 'POST', body: fd, headers: { cookie } })).status).toBe(415);
  });
});

describe('/proveedor/ayuda/enlaces-rotos', () => {
  it('lists a broken link with its article, target, reason and line, for lectura too', async () => {
    await rt.deps.db.updateTable('help_articles').set({ body_md: 'Hola.\n\nVea [esto](no-hay-tal-articulo).\n' }).where('id', '=', article.id).execute();
    const res = await reader.get('/proveedor/ayuda/enlaces-rotos');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`href="/proveedor/ayuda/articulos/${article.id}"`);
    expect(html).toContain('<code>no-hay-tal-articulo</code>');
    expect(html).toContain('No hay un artículo publicado con esa dirección en este sistema.');
    expect(html).toContain('<td data-label="Línea">3</td>');
    expect(html).toContain('Ningún borrador tiene enlaces rotos.');
  });
});
