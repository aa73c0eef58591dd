import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location, type TestClient } from '../../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../../../../tests/factories.ts';
import { between, signedIn } from '../../../../../tests/help-fixtures.ts';
import { signedInStaff } from '../../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../../tests/test-runtime.ts';
import { loadSynonyms } from '../../../../help/search/load-synonyms.ts';

let rt: TestRuntime;
let editor: TestClient;
let reader: TestClient;
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime();
  editor = (await signedInStaff(rt, 'editor')).client;
  reader = (await signedInStaff(rt, 'lectura')).client;
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(() => rt.close());

const PATH = '/proveedor/ayuda/sinonimos';
/** The textarea's value as a browser reads it: HTML drops one newline right after the start tag. */
const textarea = (html: string) => between(html, '<textarea', '</textarea>').replace(/^[^>]*>/, '').replace(/^\r?\n/, '');
const baseOf = (html: string) => /name="base" value="([^"]+)"/.exec(html)![1]!;
const version = async () => Number((await rt.deps.db.selectFrom('help_index_state').select('version').where('id', '=', 1).executeTakeFirstOrThrow()).version);
const logRows = async () => Number((await rt.deps.db.selectFrom('help_search_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('Ayuda › Sinónimos', () => {
  it('shows the saved list to help:read, «Guardar» only to help:write', async () => {
    const saved = await loadSynonyms(rt.deps.db);
    const html = await (await editor.get(PATH)).text();
    expect(textarea(html)).toBe(saved.text.replaceAll('<', '&lt;'));
    expect(baseOf(html)).toBe(saved.hash);
    expect(html).toContain('<button type="submit" class="primary">Guardar</button>');
    const asReader = await (await reader.get(PATH)).text();
    expect(asReader).toContain('formaction="/proveedor/ayuda/sinonimos/probar"');
    expect(asReader).not.toContain('>Guardar</button>');
    expect(asReader).toContain('Su perfil puede probar cambios, no guardarlos.');
  });

  it('«Probar» shows the results with the saved and the edited list side by side, and saves and logs nothing', async () => {
    const saved = await loadSynonyms(rt.deps.db);
    const [v, logs] = [await version(), await logRows()];
    const text = `${saved.text}\nzqxcierre, cierre mensual`;
    const res = await reader.post(`${PATH}/probar`, { texto: text, base: saved.hash, q: 'zqxcierre' });
    expect(res.status).toBe(200);
    const html = await res.text();
    const preview = between(html, '<section aria-labelledby="vista-previa">', '</section>');
    expect(preview).toContain('Vista previa de «zqxcierre» (no se guardó nada)');
    const [withSaved, withEdited] = preview.split('<li class="card">').slice(1);
    expect(withSaved).toContain('<h3>Con la lista guardada</h3><p>Ningún resultado.</p>');
    expect(withEdited).toContain('<h3>Con la lista editada</h3>');
    expect(withEdited).toMatch(/<bdi>Cierre mensual de la contabilidad<\/bdi> <span class="muted">\(Contabilidad\)<\/span> <span class="badge">sólo aquí<\/span>/);
    expect(textarea(html)).toBe(text);
    expect(await loadSynonyms(rt.deps.db)).toEqual(saved);
    expect([await version(), await logRows()]).toEqual([v, logs]);
  });

  it('«Probar» with a list that has problems lists them by line, and asks for a query when there is none', async () => {
    const saved = await loadSynonyms(rt.deps.db);
    const html = await (await editor.post(`${PATH}/probar`, { texto: 'boleta, recibo\nfiniquito', base: saved.hash, q: 'boleta' })).text();
    expect(html).toContain('<a href="#texto">Línea 2: Un grupo necesita al menos dos sinónimos distintos (sin contar tildes ni mayúsculas).</a>');
    expect(html).toContain('La lista editada tiene problemas: corríjalos para ver sus resultados.');
    const noQuery = await editor.post(`${PATH}/probar`, { texto: saved.text, base: saved.hash, q: '  ' });
    expect(noQuery.status).toBe(422);
    expect(await noQuery.text()).toContain('<p class="field-error" id="q-error">Escriba una búsqueda para probar.</p>');
  });

  it('«Guardar» saves, and the customer’s search uses the new list at once', async () => {
    const customerClient = await signedIn(rt, customer);
    const before = await (await customerClient.get('/ayuda/buscar?q=zqxmensual')).text();
    expect(before).not.toContain('search-results');
    const saved = await loadSynonyms(rt.deps.db);
    const res = await editor.post(PATH, { texto: `${saved.text}\nzqxmensual, cierre mensual`, base: saved.hash, q: '' });
    expect(res.status).toBe(303);
    expect(location(res)).toBe(PATH);
    expect(await (await editor.get(PATH)).text()).toContain('Se guardaron los sinónimos (1 grupo nuevo o cambiado, 0 quitados); la búsqueda ya los usa.');
    const after = await (await customerClient.get('/ayuda/buscar?q=zqxmensual')).text();
    expect(after).toContain('a=contabilidad%2Fcierre-mensual');
  });

  it('a list with problems or one saved by someone else meanwhile: nothing saved, the edited text kept (escaped)', async () => {
    const start = await loadSynonyms(rt.deps.db);
    const bad = await editor.post(PATH, { texto: 'a</textarea><script>x()</script>, b\nfiniquito', base: start.hash, q: '' });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(textarea(badHtml)).toBe('a&lt;/textarea&gt;&lt;script&gt;x()&lt;/script&gt;, b\nfiniquito');
    expect(badHtml).toContain('Línea 2: Un grupo necesita');
    // Blank lines first: the text shown keeps them, so «Línea 3» is the third line the person sees.
    const blankFirst = await (await editor.post(PATH, { texto: '\n\nfiniquito', base: start.hash, q: '' })).text();
    expect(blankFirst).toContain('Línea 3: Un grupo necesita');
    expect(textarea(blankFirst)).toBe('\n\nfiniquito');

    // Someone else saves from the same list first.
    const other = (await signedInStaff(rt, 'admin')).client;
    expect((await other.post(PATH, { texto: `${start.text}\nzqxotro, libro`, base: start.hash, q: '' })).status).toBe(303);
    const mine = `${start.text}\nzqxmio, caja`;
    const late = await editor.post(PATH, { texto: mine, base: start.hash, q: '' });
    expect(late.status).toBe(409);
    const html = await late.text();
    expect(html).toContain('Otra persona guardó los sinónimos mientras usted los editaba.');
    expect(textarea(html)).toBe(mine);
    expect(between(html, '<summary>', '</pre>')).toContain('zqxotro');
    const now = await loadSynonyms(rt.deps.db);
    expect(now.groups.flat()).not.toContain('zqxmio');
    // Having seen it, saving again (from the list now saved) goes through.
    expect((await editor.post(PATH, { texto: mine, base: baseOf(html), q: '' })).status).toBe(303);
    expect((await loadSynonyms(rt.deps.db)).groups.flat()).toContain('zqxmio');
  });
});
