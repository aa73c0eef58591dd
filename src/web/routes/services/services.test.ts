import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';

// "Servicios vigentes": the administrator's home. Today is 2026-03-02 in
// Santiago (15:00 UTC = 12:00 in Santiago, summer time UTC-3).

const START = TEST_START;

let rt: TestRuntime;

beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt.close());
beforeEach(() => {
  rt.clock.set(START);
});

async function signedIn(customer: TestCustomer, email = customer.admin.email, password = customer.admin.password) {
  const client = new TestClient(rt);
  const res = await client.signIn(customer.rut, email, password);
  expect(res.status).toBe(303);
  return client;
}

/** The three parts of the page: the in-force table, "Por comenzar" and "Terminados". */
function parts(html: string) {
  const between = (from: string, to: string) => {
    const i = html.indexOf(from);
    if (i < 0) return '';
    const j = html.indexOf(to, i);
    return html.slice(i, j < 0 ? undefined : j);
  };
  return {
    inForce: between('<caption>Servicios vigentes</caption>', '</table>'),
    upcoming: between('id="por-comenzar"', '</section>'),
    ended: between('id="terminados"', '</section>'),
  };
}

/** The table row that mentions `text` (a plan name is unique per test). */
function rowWith(segment: string, text: string): string {
  const row = segment.split('<tr>').find((r) => r.includes(text));
  if (!row) throw new Error(`no row with ${text}`);
  return row.slice(0, row.indexOf('</tr>'));
}

describe('/servicios', () => {
  it('lists the contracts in force today with system, plan, since, until and a help link; upcoming and ended apart', async () => {
    const c = await createCustomerWithAdmin(rt.deps, { name: 'Panadería La Espiga SpA' });
    await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01', null, 'Plan Contable Anual');
    await addContractFor(rt.deps, c.id, 'remuneraciones', '2025-06-15', '2026-12-31', 'Plan Sueldos 50');
    await addContractFor(rt.deps, c.id, 'factura-electronica', '2026-04-01', null, 'Plan DTE Futuro');
    await addContractFor(rt.deps, c.id, 'inventario', '2024-01-01', '2026-02-15', 'Plan Bodega Viejo');

    const res = await (await signedIn(c)).get('/servicios');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Servicios vigentes</h1>');
    expect(html).toContain('Panadería La Espiga SpA');
    const { inForce, upcoming, ended } = parts(html);

    const conta = rowWith(inForce, 'Plan Contable Anual');
    expect(conta).toContain('<th scope="row">Contabilidad</th>');
    expect(conta).toContain('1 de enero de 2025');
    expect(conta).toContain('Indefinido');
    expect(conta).toContain('href="/ayuda/contabilidad"');
    expect(conta).not.toContain('Termina');

    const remu = rowWith(inForce, 'Plan Sueldos 50');
    expect(remu).toContain('<th scope="row">Remuneraciones</th>');
    expect(remu).toContain('15 de junio de 2025');
    expect(remu).toContain('31 de diciembre de 2026');
    expect(remu).toContain('href="/ayuda/remuneraciones"');
    expect(remu).not.toContain('Termina'); // ten months away: no warning

    // Not yet started: listed apart, no help link.
    expect(inForce).not.toContain('Plan DTE Futuro');
    const future = rowWith(upcoming, 'Plan DTE Futuro');
    expect(future).toContain('Factura Electrónica');
    expect(future).toContain('1 de abril de 2026');
    expect(future).not.toContain('/ayuda/');
    expect(html).toContain('Por comenzar');

    // Already ended: listed apart, no help link.
    expect(inForce).not.toContain('Plan Bodega Viejo');
    expect(upcoming).not.toContain('Plan Bodega Viejo');
    const old = rowWith(ended, 'Plan Bodega Viejo');
    expect(old).toContain('Inventario');
    expect(old).toContain('15 de febrero de 2026');
    expect(old).not.toContain('/ayuda/');
    expect(html).toContain('Terminados');
  });

  it('warns "Termina en N días" when a contract in force ends within 30 days', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01', '2026-03-20', 'Plan Dieciocho');
    await addContractFor(rt.deps, c.id, 'remuneraciones', '2025-01-01', '2026-04-01', 'Plan Treinta');
    await addContractFor(rt.deps, c.id, 'factura-electronica', '2025-01-01', '2026-04-02', 'Plan Treinta y uno');
    await addContractFor(rt.deps, c.id, 'inventario', '2025-01-01', '2026-03-03', 'Plan Mañana');
    await addContractFor(rt.deps, c.id, 'inventario', '2025-01-01', '2026-03-02', 'Plan Hoy');

    const { inForce } = parts(await (await (await signedIn(c)).get('/servicios')).text());
    expect(rowWith(inForce, 'Plan Dieciocho')).toContain('Termina en 18 días');
    expect(rowWith(inForce, 'Plan Treinta<')).toContain('Termina en 30 días');
    expect(rowWith(inForce, 'Plan Treinta y uno')).not.toContain('Termina');
    expect(rowWith(inForce, 'Plan Mañana')).toContain('Termina mañana');
    expect(rowWith(inForce, 'Plan Hoy')).toContain('Termina hoy');
  });

  it('tells the administrator when nothing is in force', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, c.id, 'contabilidad', '2024-01-01', '2025-12-31', 'Plan Vencido');
    const html = await (await (await signedIn(c)).get('/servicios')).text();
    expect(html).toContain('Su empresa no tiene servicios vigentes hoy.');
    expect(parts(html).inForce).toBe('');
    expect(rowWith(parts(html).ended, 'Plan Vencido')).toContain('31 de diciembre de 2025');
  });

  it('never shows another customer’s contracts', async () => {
    const mine = await createCustomerWithAdmin(rt.deps, { name: 'Mi Empresa Ltda.' });
    const theirs = await createCustomerWithAdmin(rt.deps, { name: 'Otra Empresa S.A.' });
    await addContractFor(rt.deps, mine.id, 'contabilidad', '2025-01-01', null, 'Plan Propio');
    await addContractFor(rt.deps, theirs.id, 'inventario', '2025-01-01', null, 'Plan Ajeno Vigente');
    await addContractFor(rt.deps, theirs.id, 'remuneraciones', '2026-05-01', null, 'Plan Ajeno Futuro');
    await addContractFor(rt.deps, theirs.id, 'factura-electronica', '2024-01-01', '2025-01-01', 'Plan Ajeno Terminado');

    const html = await (await (await signedIn(mine)).get('/servicios')).text();
    expect(html).toContain('Plan Propio');
    expect(html).not.toContain('Plan Ajeno');
    expect(html).not.toContain('Otra Empresa S.A.');
    expect(html).not.toContain('/ayuda/inventario');

    // And the other way round.
    const other = await (await (await signedIn(theirs)).get('/servicios')).text();
    expect(other).toContain('Plan Ajeno Vigente');
    expect(other).not.toContain('Plan Propio');
  });

  it('kept body: two customers of the same name see their own; a plan, an end, a system and the customer renamed show on the next request', async () => {
    const one = await createCustomerWithAdmin(rt.deps, { name: 'Homónimos Unidos SpA' });
    const two = await createCustomerWithAdmin(rt.deps, { name: 'Homónimos Unidos SpA' });
    const contract = await addContractFor(rt.deps, one.id, 'contabilidad', '2025-01-01', null, 'Plan Del Primero');
    await addContractFor(rt.deps, two.id, 'inventario', '2025-01-01', null, 'Plan Del Segundo');
    const a = await signedIn(one);
    const b = await signedIn(two);
    const page = async (client: TestClient) => parts(await (await client.get('/servicios')).text()).inForce;
    expect(await page(a)).toContain('Plan Del Primero');
    const theirs = await page(b);
    expect(theirs).toContain('Plan Del Segundo');
    expect(theirs).not.toContain('Plan Del Primero');

    await rt.deps.db.updateTable('contracts').set({ plan: 'Plan Renovado' }).where('id', '=', contract).execute();
    expect(await page(a)).toContain('Plan Renovado');
    await rt.deps.db.updateTable('contracts').set({ ends_on: '2026-03-10' }).where('id', '=', contract).execute();
    expect(await page(a)).toContain('Termina en 8 días');
    const name = (await rt.deps.db.selectFrom('systems').select('name').where('slug', '=', 'contabilidad').executeTakeFirstOrThrow()).name;
    await rt.deps.db.updateTable('systems').set({ name: 'Contabilidad Renombrada' }).where('slug', '=', 'contabilidad').execute();
    try {
      expect(await page(a)).toContain('Contabilidad Renombrada');
    } finally {
      await rt.deps.db.updateTable('systems').set({ name }).where('slug', '=', 'contabilidad').execute();
    }
    await rt.deps.db.updateTable('customers').set({ name: 'Ya No Homónimo Ltda.' }).where('id', '=', one.id).execute();
    expect(await (await a.get('/servicios')).text()).toContain('<bdi>Ya No Homónimo Ltda.</bdi> tiene contratados hoy');
    expect(await (await b.get('/servicios')).text()).toContain('<bdi>Homónimos Unidos SpA</bdi> tiene contratados hoy');
  });

  it('answers 403 to a technical user, typed URL included', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01', null, 'Plan Técnico Prohibido');
    const tech = await createTechnicalUser(rt.deps, c.id);
    const client = await signedIn(c, tech.email, tech.password);
    const res = await client.get('/servicios');
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('Su perfil no tiene acceso a esta página.');
    expect(html).not.toContain('Plan Técnico Prohibido');
    // Its navigation does not offer the page either.
    const help = await (await client.get('/ayuda')).text();
    expect(help).not.toContain('href="/servicios"');
  });

  it('sends an anonymous visitor to sign in, and back to /servicios afterwards', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const client = new TestClient(rt);
    const res = await client.get('/servicios');
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/ingresar?volver=%2Fservicios');
    const back = await client.post('/ingresar?volver=%2Fservicios', { rut: c.rut, email: c.admin.email, password: c.admin.password });
    expect(location(back)).toBe('/servicios');
  });

  it('turns the day at midnight in Santiago, not at midnight UTC', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01', '2026-03-02', 'Plan Termina Hoy');
    await addContractFor(rt.deps, c.id, 'remuneraciones', '2026-03-03', null, 'Plan Empieza Mañana');

    // 23:59 on 2 March in Santiago, already 3 March in UTC.
    rt.clock.set(new Date('2026-03-03T02:59:00Z'));
    let page = parts(await (await (await signedIn(c)).get('/servicios')).text());
    expect(rowWith(page.inForce, 'Plan Termina Hoy')).toContain('Termina hoy');
    expect(rowWith(page.upcoming, 'Plan Empieza Mañana')).toContain('3 de marzo de 2026');
    expect(page.inForce).not.toContain('Plan Empieza Mañana');

    // 00:00 on 3 March in Santiago.
    rt.clock.set(new Date('2026-03-03T03:00:00Z'));
    page = parts(await (await (await signedIn(c)).get('/servicios')).text());
    expect(rowWith(page.ended, 'Plan Termina Hoy')).toContain('2 de marzo de 2026');
    expect(page.inForce).not.toContain('Plan Termina Hoy');
    expect(rowWith(page.inForce, 'Plan Empieza Mañana')).toContain('href="/ayuda/remuneraciones"');
    expect(page.upcoming).toBe('');
  });

  it('follows Santiago’s winter time too (UTC-4 after April)', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, c.id, 'inventario', '2026-06-10', null, 'Plan Invierno');
    // 23:30 on 9 June in Santiago (UTC-4): still upcoming.
    rt.clock.set(new Date('2026-06-10T03:30:00Z'));
    let page = parts(await (await (await signedIn(c)).get('/servicios')).text());
    expect(page.upcoming).toContain('Plan Invierno');
    // 00:00 on 10 June in Santiago.
    rt.clock.set(new Date('2026-06-10T04:00:00Z'));
    page = parts(await (await (await signedIn(c)).get('/servicios')).text());
    expect(page.inForce).toContain('Plan Invierno');
  });
});
