import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { between, NOT_FOUND, postPairs, signedIn, systemId } from '../../../../tests/help-fixtures.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';

// "Sistemas de ayuda": the administrator limits what help a technical user
// reads. The limit must hold everywhere the help shows: home, system and
// article pages, search, suggestions and files.

const NONE_MARKED = 'Marque al menos un sistema, o elija «Todos los sistemas contratados».';
const NOT_CONTRACTED = 'Uno de los sistemas marcados no está contratado por su empresa.';
const CONTABILIDAD_PNG = '/ayuda/contabilidad/importar-plan-de-cuentas/adjuntos/imagenes/importar-plan-de-cuentas.png';
const INVENTARIO_PNG = '/ayuda/inventario/traspasos-entre-bodegas/adjuntos/imagenes/traspaso-entre-bodegas.png';

let rt: TestRuntime;
/** Contabilidad and inventario in force, factura electrónica from 1 April, remuneraciones ended on 28 February. */
let customer: TestCustomer;
let admin: TestClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Contadores Asociados Ltda.' });
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  await addContractFor(rt.deps, customer.id, 'inventario', '2025-01-01');
  await addContractFor(rt.deps, customer.id, 'factura-electronica', '2026-04-01');
  await addContractFor(rt.deps, customer.id, 'remuneraciones', '2024-01-01', '2026-02-28');
  for (const s of ['contabilidad', 'inventario', 'factura-electronica', 'remuneraciones', 'activo-fijo']) ids[s] = await systemId(rt, s);
  admin = await signedIn(rt, customer);
});
afterAll(() => rt.close());
beforeEach(() => {
  rt.clock.set(TEST_START);
});

async function newTech(name = 'Tito Técnico') {
  const tech = await createTechnicalUser(rt.deps, customer.id, { name });
  return { ...tech, page: `/usuarios/${tech.id}/ayuda` };
}

async function scopeOf(userId: string): Promise<string[]> {
  const rows = await rt.deps.db
    .selectFrom('user_help_scope as u')
    .innerJoin('systems as s', 's.id', 'u.system_id')
    .select('s.slug')
    .where('u.user_id', '=', userId)
    .orderBy('s.position')
    .execute();
  return rows.map((r) => r.slug);
}

function scopeEvents(userId: string) {
  return rt.deps.db.selectFrom('audit_events').selectAll().where('target_user_id', '=', userId).where('action', '=', 'user.help-scope-changed').orderBy('at').execute();
}

/** Save the form as a browser would: the radio, and one "sistema" per checked box. */
function save(page: string, alcance: string, systems: string[] = []) {
  return postPairs(rt, admin, page, [['alcance', alcance], ...systems.map((s): [string, string] => ['sistema', ids[s] ?? s])]);
}

/** The checkboxes the form offers, as [slug, checked]. */
function checkboxes(html: string): Array<[string, boolean]> {
  return [...html.matchAll(/<input type="checkbox" id="sistema-([a-z-]+)" name="sistema" value="[^"]+"( checked="")?\/>/g)].map((m) => [m[1]!, Boolean(m[2])]);
}

const radio = (html: string, value: string) => new RegExp(`<input type="radio" id="alcance-${value}" name="alcance" value="${value}" checked=""/>`).test(html);

describe('the help scope page', () => {
  it('offers the systems contracted now or later, not the ended ones, with "todos" chosen at first (allowed)', async () => {
    const t = await newTech();
    const res = await admin.get(t.page);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Sistemas de ayuda de Tito Técnico</h1>');
    expect(html).toContain(`<form method="post" action="${t.page}">`);
    expect(checkboxes(html)).toEqual([
      ['contabilidad', false],
      ['factura-electronica', false],
      ['inventario', false],
    ]);
    expect(html).toContain(`value="${ids.contabilidad}"`);
    expect(radio(html, 'todos')).toBe(true);
    expect(radio(html, 'algunos')).toBe(false);
  });

  it('limits a technical user to one system: home, pages, search, suggestions and files follow', async () => {
    const t = await newTech();
    const tech = await signedIn(rt, customer, t.email, t.password);
    expect((await tech.get('/ayuda/contabilidad/cierre-mensual')).status).toBe(200);

    const res = await save(t.page, 'algunos', ['inventario']);
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/usuarios');
    expect(await scopeOf(t.id)).toEqual(['inventario']);

    const home = await (await tech.get('/ayuda')).text();
    expect(home).toContain('<a href="/ayuda/inventario">Inventario</a>');
    expect(home).not.toContain('/ayuda/contabilidad');
    for (const path of ['/ayuda/contabilidad', '/ayuda/contabilidad/cierre-mensual', CONTABILIDAD_PNG]) {
      const denied = await tech.get(path);
      expect(denied.status, path).toBe(404);
      expect(await denied.text()).toContain(NOT_FOUND);
    }
    expect((await tech.get('/ayuda/inventario/bodegas')).status).toBe(200);
    expect((await tech.get(INVENTARIO_PNG)).status).toBe(200);
    expect(await (await tech.get('/ayuda/buscar?q=plan+de+cuentas')).text()).not.toContain('/ayuda/contabilidad/');
    expect(await (await tech.get('/ayuda/buscar?q=plan+de+cuentas&sistema=contabilidad')).text()).not.toContain('/ayuda/contabilidad/');
    const suggestions = (await (await tech.get('/ayuda/sugerencias?q=plan+de+cuentas')).json()) as { suggestions: Array<{ url: string }> };
    expect(suggestions.suggestions.every((s) => s.url.startsWith('/ayuda/inventario/'))).toBe(true);
    // A vote on a closed article is a 404 too.
    expect((await tech.post('/ayuda/contabilidad/cierre-mensual/voto', { util: 'si' })).status).toBe(404);

    // The administrator's own reading is never limited.
    expect((await admin.get('/ayuda/contabilidad/cierre-mensual')).status).toBe(200);

    // The form shows the limit.
    const form = await (await admin.get(t.page)).text();
    expect(radio(form, 'algunos')).toBe(true);
    expect(checkboxes(form)).toEqual([
      ['contabilidad', false],
      ['factura-electronica', false],
      ['inventario', true],
    ]);
  });

  it('keeps every system marked, and lifts the limit with "todos"', async () => {
    const t = await newTech();
    const tech = await signedIn(rt, customer, t.email, t.password);
    expect((await save(t.page, 'algunos', ['contabilidad', 'inventario', 'factura-electronica'])).status).toBe(303);
    expect(await scopeOf(t.id)).toEqual(['contabilidad', 'factura-electronica', 'inventario']);
    expect((await save(t.page, 'algunos', ['contabilidad'])).status).toBe(303);
    expect(await scopeOf(t.id)).toEqual(['contabilidad']);
    expect((await tech.get('/ayuda/inventario/bodegas')).status).toBe(404);

    // "todos" ignores any box left checked.
    const res = await save(t.page, 'todos', ['contabilidad']);
    expect(res.status).toBe(303);
    expect(await scopeOf(t.id)).toEqual([]);
    expect((await tech.get('/ayuda/inventario/bodegas')).status).toBe(200);
    expect((await tech.get(INVENTARIO_PNG)).status).toBe(200);
    expect((await tech.get('/ayuda/contabilidad/cierre-mensual')).status).toBe(200);
    expect(await (await tech.get('/ayuda')).text()).toContain('<a href="/ayuda/contabilidad">Contabilidad</a>');
    expect(radio(await (await admin.get(t.page)).text(), 'todos')).toBe(true);
  });

  it('refuses "algunos" with nothing marked: 422, a Spanish message, nothing changed', async () => {
    const t = await newTech();
    await save(t.page, 'algunos', ['inventario']);
    const events = (await scopeEvents(t.id)).length;
    const res = await save(t.page, 'algunos');
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(between(html, '<div class="notice error"', '</div>')).toContain(`<a href="#systems">${NONE_MARKED}</a>`);
    expect(html).toContain('<ul class="scope-list" id="systems">');
    expect(radio(html, 'algunos')).toBe(true);
    expect(await scopeOf(t.id)).toEqual(['inventario']);
    expect(await scopeEvents(t.id)).toHaveLength(events);
  });

  it('refuses a system the customer does not contract (ended, never, unknown): 422, nothing changed', async () => {
    const t = await newTech();
    for (const systems of [['remuneraciones'], ['activo-fijo'], ['inventario', 'activo-fijo'], ['no-es-un-id'], ['\u0000']]) {
      const res = await save(t.page, 'algunos', systems);
      expect(res.status, systems.join()).toBe(422);
      const html = await res.text();
      expect(html).toContain(NOT_CONTRACTED);
      // What was marked stays marked.
      if (systems.includes('inventario')) expect(checkboxes(html)).toContainEqual(['inventario', true]);
    }
    expect(await scopeOf(t.id)).toEqual([]);
    expect(await scopeEvents(t.id)).toEqual([]);
  });

  it('refuses a form without a valid "alcance" rather than lifting the limit: 422, nothing changed', async () => {
    const t = await newTech();
    await save(t.page, 'algunos', ['inventario']);
    for (const pairs of [[['sistema', ids.contabilidad!]], [['alcance', 'ninguno']], [['alcance', 'todos'], ['alcance', 'algunos']]] as Array<Array<[string, string]>>) {
      const res = await postPairs(rt, admin, t.page, pairs);
      expect(res.status, JSON.stringify(pairs)).toBe(422);
      expect(await res.text()).toContain('Elija «Todos los sistemas contratados» o «Sólo los sistemas marcados».');
    }
    expect(await scopeOf(t.id)).toEqual(['inventario']);
    expect(await scopeEvents(t.id)).toHaveLength(1);
  });

  it('records who changed the scope, and to what', async () => {
    const t = await newTech();
    await save(t.page, 'algunos', ['inventario', 'contabilidad']);
    rt.clock.advance(60_000);
    await save(t.page, 'todos');
    const events = await scopeEvents(t.id);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ actor_user_id: customer.admin.id, actor_label: customer.admin.email, customer_id: customer.id, target_label: t.email, at: TEST_START.toISOString() });
    expect(JSON.parse(events[0]!.detail!)).toEqual({ systems: ['contabilidad', 'inventario'] });
    expect(JSON.parse(events[1]!.detail!)).toEqual({ systems: 'all' });
  });

  it('lets an upcoming system be chosen before it starts', async () => {
    const t = await newTech();
    expect((await save(t.page, 'algunos', ['factura-electronica'])).status).toBe(303);
    const tech = await signedIn(rt, customer, t.email, t.password);
    expect(await (await tech.get('/ayuda')).text()).toContain('Su empresa no tiene sistemas con un servicio vigente');
    rt.clock.set(new Date('2026-04-01T15:00:00Z'));
    const later = await signedIn(rt, customer, t.email, t.password);
    expect((await later.get('/ayuda/factura-electronica/emitir-factura')).status).toBe(200);
    expect((await later.get('/ayuda/contabilidad/cierre-mensual')).status).toBe(404);
  });

  it('answers 403 to a technical user, by GET and by POST (forbidden)', async () => {
    const t = await newTech();
    const victim = await newTech('Otra Persona');
    const tech = await signedIn(rt, customer, t.email, t.password);
    for (const res of [await tech.get(victim.page), await tech.post(victim.page, { alcance: 'algunos', sistema: ids.inventario! }), await tech.get(t.page)]) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Su perfil no tiene acceso a esta página.');
    }
    expect(await scopeOf(victim.id)).toEqual([]);
  });

  it('answers 403 for an administrator’s id: only technical users have a scope', async () => {
    const page = `/usuarios/${customer.admin.id}/ayuda`;
    for (const res of [await admin.get(page), await save(page, 'algunos', ['inventario'])]) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('Sólo puede administrar usuarios con perfil técnico.');
    }
    expect(await scopeOf(customer.admin.id)).toEqual([]);
  });

  it('answers 404 for another customer’s user, and for ids that do not exist (other customer)', async () => {
    const other = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, other.id, 'inventario', '2025-01-01');
    const theirs = await createTechnicalUser(rt.deps, other.id);
    const page = `/usuarios/${theirs.id}/ayuda`;
    for (const res of [await admin.get(page), await save(page, 'algunos', ['inventario']), await save(page, 'todos')]) {
      expect(res.status).toBe(404);
      expect(await res.text()).toContain(NOT_FOUND);
    }
    expect(await scopeOf(theirs.id)).toEqual([]);
    expect(await scopeEvents(theirs.id)).toEqual([]);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'no-existe', '%00']) expect((await admin.get(`/usuarios/${id}/ayuda`)).status, id).toBe(404);
  });

  it('sends a signed-out visitor to sign in', async () => {
    const t = await newTech();
    const res = await new TestClient(rt).get(t.page);
    expect(res.status).toBe(303);
    expect(location(res)).toBe(`/ingresar?volver=${encodeURIComponent(t.page)}`);
  });
});

describe('the users list', () => {
  it('shows each technical user’s help scope, linked to its page', async () => {
    const all = await newTech('Ana Todos');
    const some = await newTech('Beto Algunos');
    await save(some.page, 'algunos', ['inventario', 'contabilidad']);
    const html = await (await admin.get('/usuarios')).text();
    const rowOf = (email: string) => {
      const row = html.split('<tr>').find((r) => r.includes(`>${email}</td>`));
      expect(row, email).toBeDefined();
      return row!;
    };
    expect(rowOf(all.email)).toMatch(new RegExp(`<a href="${all.page}">Ayuda: todos los sistemas`));
    // In the systems' order, not the order they were marked.
    expect(rowOf(some.email)).toMatch(new RegExp(`<a href="${some.page}">Ayuda: Contabilidad, Inventario`));
    expect(rowOf(customer.admin.email)).not.toContain('Ayuda:');
  });
});
