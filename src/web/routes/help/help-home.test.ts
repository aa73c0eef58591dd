import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { between, hrefs, limitHelpTo, setPublished, setUpdatedAt, signedIn } from '../../../../tests/help-fixtures.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';

// The help home: the person's systems, "Actualizados recientemente" and
// "Los más leídos", always over the systems the person may read.

const TODAY = '2026-03-02'; // TEST_START in Santiago
const EMPTY = 'Su empresa no tiene sistemas con un servicio vigente';

let rt: TestRuntime;
/** Contabilidad and inventario in force. */
let customer: TestCustomer;
/** Remuneraciones only. */
let other: TestCustomer;
let inventoryOnly: { email: string; password: string };

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Contadores Asociados Ltda.' });
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  await addContractFor(rt.deps, customer.id, 'inventario', '2025-01-01');
  other = await createCustomerWithAdmin(rt.deps, { name: 'Ferretería La Tuerca' });
  await addContractFor(rt.deps, other.id, 'remuneraciones', '2025-01-01');
  const tech = await createTechnicalUser(rt.deps, customer.id);
  await limitHelpTo(rt, tech.id, ['inventario']);
  inventoryOnly = tech;
  // The import stamps every article with the same instant: spread them out.
  await rt.deps.db.updateTable('help_articles').set({ updated_at: '2025-06-01T12:00:00.000Z' }).execute();
});
afterAll(() => rt.close());
beforeEach(() => {
  rt.clock.set(TEST_START);
});

async function home(client: TestClient): Promise<string> {
  const res = await client.get('/ayuda');
  expect(res.status).toBe(200);
  return res.text();
}

const recent = (html: string) => between(html, '<h2 id="recientes">', '</section>');

/** "Los más leídos" as [href, detail] pairs, or null when the section is not shown. */
function popular(html: string): Array<[string, string]> | null {
  if (!html.includes('id="mas-leidos"')) return null;
  const section = between(html, '<h2 id="mas-leidos">', '</section>');
  return [...section.matchAll(/<li><a href="([^"]+)">[^<]*<\/a><p>([^<]*)<\/p><\/li>/g)].map((m) => [m[1]!, m[2]!]);
}

/** Views of one article on one day, written as the half-minute flush writes them. */
async function readsOn(day: string, system: string, slug: string, n: number) {
  for (let i = 0; i < n; i++) rt.deps.articleReads.record(system, slug);
  await rt.deps.articleReads.flush(rt.deps.db, day);
}

describe('the help home', () => {
  it('shows the systems the person may read, as cards (allowed)', async () => {
    const html = await home(await signedIn(rt, customer));
    expect(html).toContain('<h1>Ayuda en línea</h1>');
    const cards = hrefs(between(html, '<ul class="cards">', '</ul>'));
    expect(cards).toEqual(['/ayuda/contabilidad', '/ayuda/inventario']);
    const limited = hrefs(between(await home(await signedIn(rt, customer, inventoryOnly.email, inventoryOnly.password)), '<ul class="cards">', '</ul>'));
    expect(limited).toEqual(['/ayuda/inventario']);
  });

  it('lists the articles updated most recently, published ones of readable systems only, newest first', async () => {
    await setUpdatedAt(rt, 'contabilidad', 'cierre-mensual', '2026-03-01T12:00:00.000Z');
    await setUpdatedAt(rt, 'inventario', 'bodegas', '2026-02-28T12:00:00.000Z');
    await setUpdatedAt(rt, 'contabilidad', 'plan-de-cuentas', '2026-02-27T12:00:00.000Z');
    await setUpdatedAt(rt, 'inventario', 'toma-de-inventario', '2026-02-26T12:00:00.000Z');
    await setUpdatedAt(rt, 'contabilidad', 'ingresar-comprobante', '2026-02-25T12:00:00.000Z');
    await setUpdatedAt(rt, 'contabilidad', 'balance-general', '2026-02-24T12:00:00.000Z');
    await setUpdatedAt(rt, 'contabilidad', 'centralizacion', '2026-02-23T12:00:00.000Z'); // seventh: left out
    // Newer than all of them, but of a system this customer does not have…
    await setUpdatedAt(rt, 'remuneraciones', 'previred', '2026-03-02T12:00:00.000Z');
    // …or not published.
    await setUpdatedAt(rt, 'inventario', 'stock-minimo', '2026-03-02T13:00:00.000Z');
    await setPublished(rt, 'inventario', 'stock-minimo', false);

    const html = await home(await signedIn(rt, customer));
    const list = recent(html);
    expect(hrefs(list)).toEqual([
      '/ayuda/contabilidad/cierre-mensual',
      '/ayuda/inventario/bodegas',
      '/ayuda/contabilidad/plan-de-cuentas',
      '/ayuda/inventario/toma-de-inventario',
      '/ayuda/contabilidad/ingresar-comprobante',
      '/ayuda/contabilidad/balance-general',
    ]);
    expect(list).toContain('<a href="/ayuda/contabilidad/cierre-mensual">Cierre mensual de la contabilidad</a><p>Contabilidad · actualizado el 1 de marzo de 2026</p>');

    // A technical user limited to inventario: inventario's only.
    const limited = hrefs(recent(await home(await signedIn(rt, customer, inventoryOnly.email, inventoryOnly.password))));
    expect(limited.slice(0, 2)).toEqual(['/ayuda/inventario/bodegas', '/ayuda/inventario/toma-de-inventario']);
    expect(limited.every((h) => h.startsWith('/ayuda/inventario/'))).toBe(true);

    // Another customer: its own system's, never ours.
    const theirs = hrefs(recent(await home(await signedIn(rt, other))));
    expect(theirs[0]).toBe('/ayuda/remuneraciones/previred');
    expect(theirs.every((h) => h.startsWith('/ayuda/remuneraciones/'))).toBe(true);
  });

  it('shows "Los más leídos" once the views are written, over the last 30 days and the readable systems only', async () => {
    const admin = await signedIn(rt, customer);
    expect(popular(await home(admin))).toBeNull();

    // Views of the article pages are counted in memory…
    await admin.get('/ayuda/contabilidad/cierre-mensual');
    await admin.get('/ayuda/contabilidad/cierre-mensual');
    await admin.get('/ayuda/inventario/bodegas');
    expect(popular(await home(admin))).toBeNull();
    // …and appear when written.
    await rt.deps.articleReads.flush(rt.deps.db, TODAY);
    expect(popular(await home(admin))).toEqual([
      ['/ayuda/contabilidad/cierre-mensual', 'Contabilidad · 2 lecturas este mes'],
      ['/ayuda/inventario/bodegas', 'Inventario · 1 lectura este mes'],
    ]);

    await readsOn('2026-02-01', 'contabilidad', 'balance-general', 4); // the window's first day: counts
    await readsOn(TODAY, 'contabilidad', 'balance-general', 1);
    await readsOn('2026-01-31', 'contabilidad', 'plan-de-cuentas', 9); // a day before the window
    await readsOn(TODAY, 'remuneraciones', 'previred', 20); // not this customer's
    expect(popular(await home(admin))).toEqual([
      ['/ayuda/contabilidad/balance-general', 'Contabilidad · 5 lecturas este mes'],
      ['/ayuda/contabilidad/cierre-mensual', 'Contabilidad · 2 lecturas este mes'],
      ['/ayuda/inventario/bodegas', 'Inventario · 1 lectura este mes'],
    ]);

    expect(popular(await home(await signedIn(rt, customer, inventoryOnly.email, inventoryOnly.password)))).toEqual([['/ayuda/inventario/bodegas', 'Inventario · 1 lectura este mes']]);
    expect(popular(await home(await signedIn(rt, other)))).toEqual([['/ayuda/remuneraciones/previred', 'Remuneraciones · 20 lecturas este mes']]);

    // A month later the window has moved on: only what was read since 3 March counts.
    rt.clock.set(new Date('2026-04-01T15:00:00Z'));
    expect(popular(await home(await signedIn(rt, customer)))).toBeNull();
    // 2 March is 31 days before 1 April: outside; 3 March is inside.
    await readsOn('2026-03-03', 'inventario', 'bodegas', 3);
    expect(popular(await home(await signedIn(rt, customer)))).toEqual([['/ayuda/inventario/bodegas', 'Inventario · 3 lecturas este mes']]);
  });

  it('tells a customer without contracts in force that there is no help, with nothing else', async () => {
    const none = await createCustomerWithAdmin(rt.deps);
    const ended = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, ended.id, 'contabilidad', '2024-01-01', '2026-03-01');
    const upcoming = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, upcoming.id, 'contabilidad', '2026-04-01');
    for (const c of [none, ended, upcoming]) {
      const html = await home(await signedIn(rt, c));
      expect(html).toContain(EMPTY);
      expect(html).not.toContain('Actualizados recientemente');
      expect(html).not.toContain('Los más leídos');
      expect(html).not.toContain('href="/ayuda/');
    }
  });

  it('sends a signed-out visitor to sign in (forbidden)', async () => {
    const res = await new TestClient(rt).get('/ayuda');
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/ingresar?volver=%2Fayuda');
  });
});
