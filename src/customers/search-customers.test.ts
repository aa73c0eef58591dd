import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createTechnicalUser } from '../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { rutCheckDigit } from '../domain/rut.ts';
import { listContractsAcross } from './list-contracts-across.ts';
import { CUSTOMERS_PAGE_SIZE, searchCustomers } from './search-customers.ts';

const TODAY = '2026-03-02';

describe('searchCustomers and listContractsAcross', () => {
  let rt: TestRuntime;
  const ids: Record<string, string> = {};
  async function customer(key: string, body: string, name: string, disabled = false) {
    const id = randomUUID();
    await rt.deps.db.insertInto('customers').values({ id, rut: `${body}-${rutCheckDigit(body)}`, name, disabled_at: disabled ? '2026-01-01T00:00:00Z' : null, created_at: '2026-01-01T00:00:00Z' }).execute();
    ids[key] = id;
    return id;
  }

  beforeAll(async () => {
    rt = await createTestRuntime();
    await customer('ferreteria', '12345678', 'Ferretería Ñuñoa Limitada');
    await customer('panaderia', '7654321', 'PANADERÍA EL SOL', true);
    await customer('constructora', '23456789', 'Constructora 2000 SpA');
    await createTechnicalUser(rt.deps, ids.ferreteria!);
    await createTechnicalUser(rt.deps, ids.ferreteria!);
    await addContractFor(rt.deps, ids.ferreteria!, 'contabilidad', '2026-01-01', '2026-03-20');
    await addContractFor(rt.deps, ids.ferreteria!, 'remuneraciones', '2026-01-01', null);
    await addContractFor(rt.deps, ids.ferreteria!, 'inventario', '2025-01-01', '2025-12-31');
    await addContractFor(rt.deps, ids.panaderia!, 'remuneraciones', '2026-03-01', '2026-05-15');
    await addContractFor(rt.deps, ids.constructora!, 'contabilidad', '2026-04-01', null);
  });
  afterAll(async () => rt.close());

  const names = async (filters: Record<string, unknown>) => (await searchCustomers(rt.deps.db, filters, TODAY)).rows.map((r) => r.name);

  it('finds a RUT typed any way, and a partial body', async () => {
    for (const q of ['12.345.678-5', '12345678-5', '123456785', '12345', ' 12.345 ']) expect(await names({ q }), q).toEqual(['Ferretería Ñuñoa Limitada']);
    expect(await names({ q: '7.654.321-6' })).toEqual(['PANADERÍA EL SOL']);
    expect(await names({ q: '7654321-6' })).toEqual(await names({ q: '76543216' }));
  });

  it('finds a RUT with a lower-case k', async () => {
    // 10.000.013-K: a body whose check digit is K.
    let body = 10_000_000;
    while (rutCheckDigit(String(body)) !== 'K') body++;
    await customer('k', String(body), 'Comercial Kappa');
    expect(await names({ q: `${body}-k` })).toEqual(['Comercial Kappa']);
    expect(await names({ q: `${body}k` })).toEqual(['Comercial Kappa']);
    await rt.deps.db.deleteFrom('customers').where('id', '=', ids.k!).execute();
  });

  it('finds names whatever their case and accents, on both sides', async () => {
    expect(await names({ q: 'ferreteria' })).toEqual(['Ferretería Ñuñoa Limitada']);
    expect(await names({ q: 'NUNOA' })).toEqual(['Ferretería Ñuñoa Limitada']);
    expect(await names({ q: 'ñuñoa' })).toEqual(['Ferretería Ñuñoa Limitada']);
    expect(await names({ q: 'panaderia' })).toEqual(['PANADERÍA EL SOL']);
    expect(await names({ q: 'Panadería' })).toEqual(['PANADERÍA EL SOL']);
    // Digits in a name match as a name too; LIKE's wildcards are taken literally.
    expect(await names({ q: '2000' })).toEqual(['Constructora 2000 SpA']);
    expect(await names({ q: '%' })).toEqual([]);
    expect(await names({ q: '_' })).toEqual([]);
  });

  it('counts users and contracts in force in the same row', async () => {
    const r = await searchCustomers(rt.deps.db, {}, TODAY);
    const f = r.rows.find((x) => x.id === ids.ferreteria)!;
    expect(f).toMatchObject({ rut: '12345678-5', users: 2, contractsInForce: 2, disabled: false });
    expect(r.rows.find((x) => x.id === ids.constructora)).toMatchObject({ users: 0, contractsInForce: 0 });
    expect(r.total).toBe(3);
  });

  it('filters by state, system in force and contracts ending soon', async () => {
    expect(await names({ state: 'disabled' })).toEqual(['PANADERÍA EL SOL']);
    expect(await names({ state: 'active' })).toEqual(['Constructora 2000 SpA', 'Ferretería Ñuñoa Limitada']);
    expect(await names({ system: 'contabilidad' })).toEqual(['Ferretería Ñuñoa Limitada']);
    expect(await names({ system: 'inventario' })).toEqual([]);
    expect(await names({ endingWithin: 30 })).toEqual(['Ferretería Ñuñoa Limitada']);
    expect(await names({ endingWithin: '90' })).toEqual(['Ferretería Ñuñoa Limitada', 'PANADERÍA EL SOL']);
  });

  it('ignores filter values that make no sense instead of failing', async () => {
    const all = await names({});
    expect(await names({ state: 'borrado', system: "x' or 1=1", endingWithin: '45', page: '-3' })).toEqual(all);
    expect(await names({ q: 'ab\u0000\u202ecd'.repeat(1) })).toEqual([]);
    expect((await searchCustomers(rt.deps.db, { page: 'dos' }, TODAY)).page).toBe(1);
    expect((await searchCustomers(rt.deps.db, null, TODAY)).total).toBe(3);
  });

  it('pages 25 at a time in a stable order, and says the total past the last page', async () => {
    for (let i = 0; i < 30; i++) await customer(`p${i}`, String(30_000_000 + i), `Pagina ${String(i).padStart(2, '0')}`);
    const one = await searchCustomers(rt.deps.db, { q: 'pagina' }, TODAY);
    const two = await searchCustomers(rt.deps.db, { q: 'pagina', page: 2 }, TODAY);
    expect(one.rows).toHaveLength(CUSTOMERS_PAGE_SIZE);
    expect(two.rows).toHaveLength(5);
    expect(one.total).toBe(30);
    expect(one.pageCount).toBe(2);
    expect([...one.rows, ...two.rows].map((r) => r.name)).toEqual(Array.from({ length: 30 }, (_, i) => `Pagina ${String(i).padStart(2, '0')}`));
    const past = await searchCustomers(rt.deps.db, { q: 'pagina', page: 9 }, TODAY);
    expect(past.rows).toEqual([]);
    expect(past.total).toBe(30);
    await rt.deps.db.deleteFrom('customers').where('name', 'like', 'Pagina %').execute();
  });

  it('lists contracts ending within 30/60/90 days and those started this month, across customers', async () => {
    const ending30 = await listContractsAcross(rt.deps.db, { view: 'ending', days: 30 }, TODAY);
    expect(ending30.rows.map((k) => [k.customerName, k.systemName, k.daysLeft])).toEqual([['Ferretería Ñuñoa Limitada', 'Contabilidad', 18]]);
    const ending90 = await listContractsAcross(rt.deps.db, { view: 'ending', days: '90' }, TODAY);
    expect(ending90.rows.map((k) => k.daysLeft)).toEqual([18, 74]);
    const started = await listContractsAcross(rt.deps.db, { view: 'started' }, TODAY);
    expect(started.rows.map((k) => [k.customerRut, k.startsOn])).toEqual([['7654321-6', '2026-03-01']]);
    expect(started.range).toEqual(['2026-03-01', TODAY]);
    // Nonsense falls back to the defaults: ending within 30 days, page 1.
    const bad = await listContractsAcross(rt.deps.db, { view: 'todo', days: '7', page: 'x' }, TODAY);
    expect(bad.filters).toEqual({ view: 'ending', days: 30, page: 1 });
    expect(bad.total).toBe(1);
  });
});
