import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { limitHelpTo } from '../../../../tests/help-fixtures.ts';
import { createTestStaff, signedInStaff, staffClient } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

const ARTICLE = 'contabilidad/importar-plan-de-cuentas';

describe('Ver como cliente (/proveedor/clientes/:id/vista-previa)', () => {
  let rt: TestRuntime;
  let customer: TestCustomer;
  let base: string;
  beforeAll(async () => {
    rt = await createTestRuntime();
    customer = await createCustomerWithAdmin(rt.deps, { name: 'Contadores Asociados Ltda.' });
    for (const s of ['contabilidad', 'inventario']) await addContractFor(rt.deps, customer.id, s, '2025-01-01');
    // An ended contract: its help is closed for the customer, so for the preview too.
    await addContractFor(rt.deps, customer.id, 'remuneraciones', '2024-01-01', '2025-12-31');
    base = `/proveedor/clientes/${customer.id}/vista-previa`;
  });
  afterAll(async () => rt.close());

  const previewAudits = (customerId: string) =>
    rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'staff.preview-as-customer').where('customer_id', '=', customerId).execute();

  it('shows the systems in force, their categories, an article and search, with the banner on every page and no form that writes', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    const pages = [base, `${base}/contabilidad`, `${base}/${ARTICLE}`, `${base}/buscar?q=plan+de+cuentas`, `${base}/buscar`];
    const html: Record<string, string> = {};
    for (const path of pages) {
      const res = await client.get(path);
      expect(res.status, path).toBe(200);
      html[path] = await res.text();
      expect(html[path], path).toContain('Vista previa de lo que ve');
      expect(html[path], path).toContain('sólo lectura');
      expect(html[path], path).toContain('Contadores Asociados Ltda.');
      // No POST form at all except the console's own sign-out; nothing links to the customer's help.
      const posts = [...html[path]!.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)].map((m) => m[1]);
      expect(posts, path).toEqual(['/proveedor/salir']);
      expect(html[path], path).not.toMatch(/(href|src|action)="\/ayuda/);
      expect(html[path], path).not.toContain('data-suggest');
      expect(html[path], path).not.toContain('¿Le fue útil');
    }
    expect(html[base]).toContain(`href="${base}/contabilidad"`);
    expect(html[base]).toContain(`href="${base}/inventario"`);
    expect(html[base]).not.toContain(`href="${base}/remuneraciones"`);
    expect(html[`${base}/contabilidad`]).toContain(`href="${base}/${ARTICLE}"`);
    expect(html[`${base}/${ARTICLE}`]).toContain('<h1>Importar el plan de cuentas');
    expect(html[`${base}/buscar?q=plan+de+cuentas`]).toContain(`href="${base}/${ARTICLE}"`);
    // A system the customer has no contract in force for is not there, as for its users.
    expect((await client.get(`${base}/remuneraciones`)).status).toBe(404);
    expect((await client.get(`${base}/remuneraciones/cualquier-articulo`)).status).toBe(404);
  });

  it('serves the article’s files through the preview', async () => {
    const { client } = await signedInStaff(rt, 'editor');
    const html = await (await client.get(`${base}/${ARTICLE}`)).text();
    const files = [...html.matchAll(/(?:href|src)="([^"]*\/adjuntos\/[^"]+)"/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(f.startsWith(`${base}/`)).toBe(true);
      expect((await client.get(f.replaceAll('&amp;', '&'))).status, f).toBe(200);
    }
  });

  it('never counts a read, records a vote or a search without results; POSTs to help write paths are 404', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const record = vi.spyOn(rt.deps.articleReads, 'record');
    const misses = async () => JSON.stringify(await rt.deps.db.selectFrom('help_search_misses').selectAll().orderBy('query').orderBy('system_slug').execute());
    const votes = async () => (await rt.deps.db.selectFrom('help_votes').select('article_id').execute()).length;
    const before = { misses: await misses(), votes: await votes() };
    expect((await client.get(`${base}/${ARTICLE}`)).status).toBe(200);
    const none = await client.get(`${base}/buscar?q=zzqxw+plof`);
    expect(await none.text()).toContain('No encontramos artículos');
    for (const path of [`${base}/${ARTICLE}/voto`, `${base}/${ARTICLE}`, base]) {
      expect((await client.post(path, { util: 'si', comentario: 'hola' })).status, path).toBe(404);
    }
    expect((await client.get(`${base}/sugerencias?q=plan`)).status).toBe(404);
    expect(record).not.toHaveBeenCalled();
    record.mockRestore();
    expect({ misses: await misses(), votes: await votes() }).toEqual(before);
  });

  it('audits once per preview start (per staff session), with the customer id', async () => {
    const c2 = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, c2.id, 'contabilidad', '2025-01-01');
    const staff = await createTestStaff(rt.deps, 'soporte');
    const client = await staffClient(rt, staff);
    const b2 = `/proveedor/clientes/${c2.id}/vista-previa`;
    // Landing on an article first starts the preview too.
    for (const path of [`${b2}/${ARTICLE}`, b2, `${b2}/contabilidad`, `${b2}/buscar?q=plan`]) expect((await client.get(path)).status, path).toBe(200);
    const audits = await previewAudits(c2.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_kind: 'staff', actor_staff_id: staff.id, target_user_id: null });
    expect(JSON.parse(audits[0]!.detail!)).toMatchObject({ customerId: c2.id });
    // A new session is a new preview.
    rt.clock.advance(1000);
    const again = await staffClient(rt, staff);
    expect((await again.get(b2)).status).toBe(200);
    expect(await previewAudits(c2.id)).toHaveLength(2);
  });

  it('previews as one technical user: their help scope, chosen from the home page', async () => {
    const c3 = await createCustomerWithAdmin(rt.deps, { name: 'Limitada SpA' });
    for (const s of ['contabilidad', 'inventario']) await addContractFor(rt.deps, c3.id, s, '2025-01-01');
    const tech = await createTechnicalUser(rt.deps, c3.id, { name: 'Tito Técnico' });
    await limitHelpTo(rt, tech.id, ['inventario']);
    const { client } = await signedInStaff(rt, 'soporte');
    const home = await (await client.get(`/proveedor/clientes/${c3.id}/vista-previa`)).text();
    expect(home).toContain(`<option value="${tech.id}">`);
    const chosen = await client.get(`/proveedor/clientes/${c3.id}/vista-previa?usuario=${tech.id}`);
    const userBase = `/proveedor/clientes/${c3.id}/vista-previa-usuario/${tech.id}`;
    expect(location(chosen)).toBe(userBase);
    const html = await (await client.get(userBase)).text();
    expect(html).toContain(tech.email);
    expect(html).toContain(`href="${userBase}/inventario"`);
    expect(html).not.toContain(`href="${userBase}/contabilidad"`);
    expect((await client.get(`${userBase}/contabilidad`)).status).toBe(404);
    const audits = await previewAudits(c3.id);
    expect(audits.map((a) => a.target_user_id).sort()).toEqual([null, tech.id].sort());
    // Another customer's user, or the administrator, is nobody to preview as.
    expect((await client.get(`/proveedor/clientes/${c3.id}/vista-previa-usuario/${customer.admin.id}`)).status).toBe(404);
    expect((await client.get(`/proveedor/clientes/${customer.id}/vista-previa-usuario/${tech.id}`)).status).toBe(404);
    expect((await client.get(`/proveedor/clientes/${c3.id}/vista-previa-usuario/${c3.admin.id}`)).status).toBe(404);
  });

  it('answers an unknown customer with 404 and a disabled one with a clear message, auditing nothing', async () => {
    const { client } = await signedInStaff(rt, 'soporte');
    expect((await client.get('/proveedor/clientes/no-existe/vista-previa')).status).toBe(404);
    const off = await createCustomerWithAdmin(rt.deps, { name: 'Cerrada Ltda.' });
    await rt.deps.db.updateTable('customers').set({ disabled_at: rt.clock.now().toISOString() }).where('id', '=', off.id).execute();
    const res = await client.get(`/proveedor/clientes/${off.id}/vista-previa`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('Cerrada Ltda. está deshabilitado');
    expect(await previewAudits(off.id)).toHaveLength(0);
  });

  it('is refused to lectura (403, nothing audited) and sends signed-out visitors and customers to the staff sign-in', async () => {
    const c4 = await createCustomerWithAdmin(rt.deps);
    const b4 = `/proveedor/clientes/${c4.id}/vista-previa`;
    const { client } = await signedInStaff(rt, 'lectura');
    for (const path of [b4, `${b4}/contabilidad`, `${b4}/${ARTICLE}`, `${b4}/buscar?q=plan`]) expect((await client.get(path)).status, path).toBe(403);
    expect(await previewAudits(c4.id)).toHaveLength(0);
    expect(location(await new TestClient(rt).get(b4))).toMatch(/^\/proveedor\/ingresar/);
    const admin = new TestClient(rt);
    await admin.signIn(c4.rut, c4.admin.email, c4.admin.password);
    expect(location(await admin.get(b4))).toMatch(/^\/proveedor\/ingresar/);
  });

  it.each(['admin', 'soporte', 'editor'] as const)('is open to %s', async (role) => {
    const { client } = await signedInStaff(rt, role);
    expect((await client.get(base)).status).toBe(200);
  });
});
