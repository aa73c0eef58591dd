import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin } from '../../../../tests/factories.ts';
import { signedInStaff } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { safeCsvCell } from '../../../audit/csv-cell.ts';

describe('console: Contratos across customers', () => {
  let rt: TestRuntime;
  let customerId: string;
  beforeAll(async () => {
    rt = await createTestRuntime();
    const c = await createCustomerWithAdmin(rt.deps, { name: '=HYPERLINK("http://x") Ñandú' });
    customerId = c.id;
    await addContractFor(rt.deps, c.id, 'contabilidad', '2026-01-01', '2026-03-20', '+Plan Pyme');
    await addContractFor(rt.deps, c.id, 'remuneraciones', '2026-03-01', '2026-05-20');
    await addContractFor(rt.deps, c.id, 'inventario', '2026-02-01', null);
  });
  afterAll(async () => rt.close());

  it('shows contracts ending soon and those started this month to lectura, with days left', async () => {
    const { client } = await signedInStaff(rt, 'lectura');
    const soon = await client.get('/proveedor/contratos?vencen=30');
    expect(soon.status).toBe(200);
    const html = await soon.text();
    expect(html).toContain('Contabilidad');
    expect(html).toContain('18 días');
    expect(html).not.toContain('Remuneraciones');
    expect(html).toContain(`/proveedor/clientes/${customerId}#contratos`);
    expect(html).toMatch(/aria-current="page"[^>]*>Terminan en 30 días/);
    const started = await (await client.get('/proveedor/contratos?comenzaron=mes')).text();
    expect(started).toContain('Remuneraciones');
    expect(started).not.toContain('Inventario');
    // Nonsense in the URL: the default view, not an error.
    expect((await client.get('/proveedor/contratos?vencen=7&pagina=-1')).status).toBe(200);
  });

  it('exports the same filters as CSV: UTF-8 with a BOM, an attachment, formulas neutralised', async () => {
    const { client } = await signedInStaff(rt, 'lectura');
    const res = await client.get('/proveedor/contratos.csv?vencen=90');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="contratos-terminan-90-dias-2026-03-02\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('Cliente,RUT,Sistema,Plan,Desde,Hasta,Días restantes');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://x"") Ñandú"`);
    expect(lines[1]).toContain("'+Plan Pyme");
    expect(lines[1]).toContain(',18');
    expect(safeCsvCell('-1')).toBe("'-1");
    expect(safeCsvCell('@x')).toBe("'@x");
    expect(safeCsvCell('\tx')).toBe("'\tx");
    expect(safeCsvCell('Plan')).toBe('Plan');
  });

  it('is closed to roles without contracts:read', async () => {
    const { client } = await signedInStaff(rt, 'editor');
    expect((await client.get('/proveedor/contratos')).status).toBe(403);
    expect((await client.get('/proveedor/contratos.csv')).status).toBe(403);
  });
});
