import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../../../../../tests/client.ts';
import { createCustomerWithAdmin, type TestCustomer } from '../../../../../tests/factories.ts';
import { articleId, between } from '../../../../../tests/help-fixtures.ts';
import { FEBRUARY, seedSearchLog } from '../../../../../tests/search-log-fixtures.ts';
import { signedInStaff } from '../../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../../tests/test-runtime.ts';

let rt: TestRuntime;
let client: TestClient;
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Comercial <b>Sur</b>' });
  await seedSearchLog(rt, null, [...FEBRUARY, { query: '<script>alert(1)</script>', day: '2026-02-20', results: 0 }]);
  const cierre = await articleId(rt, 'contabilidad', 'cierre-mensual');
  const sueldo = (await rt.deps.db.selectFrom('help_articles as a').innerJoin('systems as s', 's.id', 'a.system_id').select('a.id').where('s.slug', '=', 'remuneraciones').executeTakeFirstOrThrow()).id;
  const at = '2026-02-20T15:00:00.000Z';
  await rt.deps.db.insertInto('help_votes').values([
    { user_id: customer.admin.id, article_id: cierre, helpful: 0, comment: 'No explica el <i>cierre</i> anual', created_at: at, updated_at: at },
    { user_id: customer.admin.id, article_id: sueldo, helpful: 1, comment: 'Muy claro', created_at: at, updated_at: at },
  ]).execute();
  await rt.deps.db.insertInto('help_reads').values([{ article_id: cierre, day: '2026-02-20', count: 7 }, { article_id: sueldo, day: '2026-02-20', count: 3 }]).execute();
  client = (await signedInStaff(rt, 'lectura')).client;
});
afterAll(() => rt.close());

const page = async (query: string, status = 200) => {
  const res = await client.get(`/proveedor/ayuda/busquedas?${query}`);
  expect(res.status, query).toBe(status);
  return res.text();
};
const section = (html: string, heading: string) => between(html, `<h2>${heading}</h2>`, '<h2>');

describe('Ayuda › Búsquedas', () => {
  it('shows the top searches, those without results and those never opened, for the range; user input escaped', async () => {
    const html = await page('desde=2026-02-01&hasta=2026-02-28');
    const top = section(html, 'Lo más buscado');
    expect(top).toContain('<th scope="row"><bdi>factura</bdi></th><td data-label="Veces">4</td><td data-label="Resultados en promedio">9,5</td><td data-label="Con un resultado abierto">50 %</td>');
    expect(top).not.toContain('despues');
    const empty = section(html, 'Búsquedas sin resultados');
    expect(empty).toContain('<bdi>zzqxw</bdi></th><td data-label="Veces">3</td>');
    expect(empty).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(section(html, 'Búsquedas con resultados que nadie abrió')).toContain('<bdi>cierre mensual</bdi>');
  });

  it('shows the views, the votes and only the "No" comments, escaped', async () => {
    const html = await page('desde=2026-02-01&hasta=2026-02-28');
    expect(section(html, 'Artículos más leídos')).toMatch(/Cierre mensual de la contabilidad <span class="muted">\(7 lecturas\)/);
    const votes = between(html, '<h2>Votos «¿Le fue útil?» y comentarios «No»</h2>', '</table>');
    expect(votes).toContain('<q><bdi>No explica el &lt;i&gt;cierre&lt;/i&gt; anual</bdi></q>');
    expect(votes).toContain('<bdi>Comercial &lt;b&gt;Sur&lt;/b&gt;</bdi>');
    expect(votes).not.toContain('Muy claro');
    // The article with only a «Sí» comment has no «No» comment to count (its «Sí» one was counted there).
    expect(votes).toMatch(/<td data-label="No">0<\/td><td data-label="Comentarios «No»">—<\/td>/);
  });

  it('narrows to one system: its searches, its articles’ views and votes', async () => {
    const html = await page('desde=2026-02-01&hasta=2026-02-28&sistema=remuneraciones');
    const top = section(html, 'Lo más buscado');
    expect(top).toContain('imposiciones');
    expect(top).not.toContain('factura');
    expect(section(html, 'Artículos más leídos')).not.toContain('Cierre mensual');
    expect(html).toContain('<option value="remuneraciones" selected="">Remuneraciones</option>');
    const none = await page('desde=2026-02-01&hasta=2026-02-28&sistema=ninguno');
    expect(section(none, 'Lo más buscado')).not.toContain('cierre mensual');
  });

  it('a wrong filter is said next to it, with nothing else shown', async () => {
    const bad = await page('desde=2026-02-30&sistema=%3Cx%3E', 422);
    expect(bad).toContain('Elija un sistema de la lista.');
    expect(bad).toContain('La fecha «desde» debe ser un día válido AAAA-MM-DD.');
    expect(bad).not.toContain('<h2>Lo más buscado</h2>');
    expect(bad).not.toContain('<x>');
    const reversed = await page('desde=2026-03-01&hasta=2026-02-01', 422);
    expect(reversed).toContain('La fecha «hasta» no puede ser anterior a la fecha «desde».');
  });
});
