import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { between, hrefs, limitHelpTo, NOT_FOUND, signedIn } from '../../../../tests/help-fixtures.ts';
import { clearVersions, publishNewArticle, publishVersion } from '../../../../tests/help-version-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { FIRST_VISIT_DAYS } from './help-home.tsx';

// What readers get from the help being edited: each system's Novedades and,
// on the help home, what changed since their last visit, always within the
// systems they may read (contracts in force, the technical user's scope).

let rt: TestRuntime;
let customer: TestCustomer;
const DAY = 86_400_000;
const ago = (days: number) => new Date(rt.clock.now().getTime() - days * DAY);

beforeAll(async () => {
  rt = await createTestRuntime();
  await clearVersions(rt);
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  await addContractFor(rt.deps, customer.id, 'remuneraciones', '2025-01-01');
  await publishVersion(rt, { system: 'contabilidad', slug: 'cierre-mensual', note: 'Primera versión.', at: ago(200) });
  await publishVersion(rt, { system: 'contabilidad', slug: 'cierre-mensual', note: 'Nuevo plazo del F29 & <IVA>.', at: ago(3) });
  await publishNewArticle(rt, { system: 'contabilidad', category: 'cierre-e-impuestos', slug: 'cierre-semestral', title: 'Cierre semestral', note: 'Guía nueva.', at: ago(20) });
  await publishVersion(rt, { system: 'contabilidad', slug: 'balance-general', note: 'Hace mucho.', at: ago(100) });
  await publishVersion(rt, { system: 'remuneraciones', slug: 'finiquitos', note: 'Nueva indemnización.', at: ago(2) });
});
afterAll(() => rt.close());

describe('/ayuda/:system/novedades', () => {
  it('lists the last 90 days, newest first, Nuevo or Actualizado with the change note, linked from the system page', async () => {
    const client = await signedIn(rt, customer);
    const system = await (await client.get('/ayuda/contabilidad')).text();
    expect(hrefs(system)).toContain('/ayuda/contabilidad/novedades');

    const res = await client.get('/ayuda/contabilidad/novedades');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Novedades de Contabilidad</h1>');
    const list = between(html, '<ul class="article-list news-list">', '</ul>');
    expect(hrefs(list)).toEqual(['/ayuda/contabilidad/cierre-mensual', '/ayuda/contabilidad/cierre-semestral']);
    expect(list).toContain('Actualizado');
    expect(list).toContain('Nuevo plazo del F29 &amp; &lt;IVA&gt;.');
    expect(between(list, 'cierre-semestral', '</li>')).toContain('Guía nueva.');
    expect(list).toMatch(/badge-new">Nuevo<\/span> <a href="\/ayuda\/contabilidad\/cierre-semestral"/);
    // Older than 90 days, and the other system's change: not here.
    expect(html).not.toContain('Hace mucho.');
    expect(html).not.toContain('finiquitos');
  });

  it('pages through many changes and says when a page is past the end', async () => {
    const rt2 = await createTestRuntime();
    try {
      await clearVersions(rt2);
      const c = await createCustomerWithAdmin(rt2.deps);
      await addContractFor(rt2.deps, c.id, 'inventario', '2025-01-01');
      for (let i = 0; i < 23; i++) {
        await publishNewArticle(rt2, { system: 'inventario', category: 'movimientos', slug: `guia-${i}`, title: `Guía ${String(i).padStart(2, '0')}`, at: new Date(rt2.clock.now().getTime() - (i + 1) * 60_000) });
      }
      const client = await signedIn(rt2, c);
      const first = await (await client.get('/ayuda/inventario/novedades')).text();
      expect(hrefs(between(first, 'news-list', '</ul>')).length).toBe(20);
      expect(first).toContain('href="/ayuda/inventario/novedades?pagina=2"');
      const second = await (await client.get('/ayuda/inventario/novedades?pagina=2')).text();
      expect(hrefs(between(second, 'news-list', '</ul>'))).toEqual(['/ayuda/inventario/guia-20', '/ayuda/inventario/guia-21', '/ayuda/inventario/guia-22']);
      const past = await client.get('/ayuda/inventario/novedades?pagina=9');
      expect(past.status).toBe(200);
      expect(await past.text()).toContain('No hay más novedades.');
      expect((await client.get('/ayuda/inventario/novedades?pagina=abc')).status).toBe(200);
    } finally {
      await rt2.close();
    }
  });

  it('answers 404 for a system the person may not read: not contracted, or outside a technical user’s scope', async () => {
    const client = await signedIn(rt, customer);
    const inv = await client.get('/ayuda/inventario/novedades');
    expect(inv.status).toBe(404);
    expect(await inv.text()).toContain(NOT_FOUND);

    const tech = await createTechnicalUser(rt.deps, customer.id);
    await limitHelpTo(rt, tech.id, ['remuneraciones']);
    const t = await signedIn(rt, customer, tech.email, tech.password);
    expect((await t.get('/ayuda/contabilidad/novedades')).status).toBe(404);
    const own = await (await t.get('/ayuda/remuneraciones/novedades')).text();
    expect(own).toContain('Nueva indemnización.');
  });
});

describe('the help home: changes since the last visit', () => {
  it('shows the last 14 days on a first visit, keeps the list through reloads, and after 30 quiet minutes only what is newer', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01');
    const client = await signedIn(rt, c);
    const first = await (await client.get('/ayuda')).text();
    const section = between(first, '<section aria-labelledby="cambios"', '</section>');
    expect(section).toContain(`Cambios de los últimos ${FIRST_VISIT_DAYS} días`);
    // 3 days ago: in; 20 days ago: out (first visit); remuneraciones: not contracted by this customer.
    expect(hrefs(section)).toEqual(['/ayuda/contabilidad/cierre-mensual', '/ayuda/contabilidad/novedades']);
    expect(section).toContain('Nuevo plazo del F29');

    rt.clock.advance(5 * 60_000);
    const reload = between(await (await client.get('/ayuda')).text(), '<section aria-labelledby="cambios"', '</section>');
    expect(reload).toBe(section);

    // Away for an hour; meanwhile an article changes. The next visit starts: only that change.
    rt.clock.advance(60 * 60_000);
    await publishVersion(rt, { system: 'contabilidad', slug: 'ppm-y-f29', note: 'Tasa de PPM 2026.', at: ago(10 / (24 * 60)) });
    // The session timed out meanwhile: the visit belongs to the person, not to the session.
    const again = await signedIn(rt, c);
    const back = between(await (await again.get('/ayuda')).text(), '<section aria-labelledby="cambios"', '</section>');
    expect(back).toContain('Cambios desde su última visita');
    expect(hrefs(back)).toEqual(['/ayuda/contabilidad/ppm-y-f29', '/ayuda/contabilidad/novedades']);
    expect(back).toContain('Tasa de PPM 2026.');
    expect(back).toContain('Novedades de Contabilidad (1 artículo desde su última visita)');

    // Reloading within the visit keeps it; a visit after that with nothing new says so.
    rt.clock.advance(10 * 60_000);
    expect(between(await (await again.get('/ayuda')).text(), '<section aria-labelledby="cambios"', '</section>')).toBe(back);
    rt.clock.advance(31 * 60_000);
    const quiet = between(await (await (await signedIn(rt, c)).get('/ayuda')).text(), '<section aria-labelledby="cambios"', '</section>');
    expect(quiet).toContain('No hay nada nuevo en la ayuda de sus sistemas desde su última visita.');
    expect(hrefs(quiet)).toEqual(['/ayuda/contabilidad/novedades']);
  });

  it('each person gets their own list: a technical user limited to one system sees only that system', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    await limitHelpTo(rt, tech.id, ['remuneraciones']);
    await publishVersion(rt, { system: 'remuneraciones', slug: 'previred', note: 'Nuevo formato Previred.', at: ago(1) });
    const t = await signedIn(rt, customer, tech.email, tech.password);
    const mine = between(await (await t.get('/ayuda')).text(), '<section aria-labelledby="cambios"', '</section>');
    expect(hrefs(mine).every((h) => h.startsWith('/ayuda/remuneraciones/'))).toBe(true);
    expect(mine).toContain('Nuevo formato Previred.');
    expect(mine).not.toContain('contabilidad');

    const admin = between(await (await (await signedIn(rt, customer)).get('/ayuda')).text(), '<section aria-labelledby="cambios"', '</section>');
    expect(admin).toContain('/ayuda/contabilidad/');
    expect(admin).toContain('/ayuda/remuneraciones/previred');
  });

  it('a contract that ended closes that system’s news, on the home and its Novedades page', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const today = new Date(rt.clock.now().getTime() - 4 * 3_600_000).toISOString().slice(0, 10);
    await addContractFor(rt.deps, c.id, 'remuneraciones', '2025-01-01', today);
    await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01');
    const client = await signedIn(rt, c);
    expect((await client.get('/ayuda/remuneraciones/novedades')).status).toBe(200);
    expect(await (await client.get('/ayuda')).text()).toContain('/ayuda/remuneraciones/');

    rt.clock.advance(DAY);
    const again = await signedIn(rt, c);
    expect((await again.get('/ayuda/remuneraciones/novedades')).status).toBe(404);
    expect(await (await again.get('/ayuda')).text()).not.toContain('/ayuda/remuneraciones');
  });
});
