import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser } from '../../../tests/factories.ts';
import { signedInStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';

/**
 * The console under attack: what an attacker, a careless operator or a
 * support agent in a hurry sends, answered with a 404 or a Spanish message,
 * never a 500, and nothing half-written.
 */
describe('console under attack', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime();
  });
  afterAll(async () => rt.close());

  const auditCount = async (action: string) =>
    Number((await rt.deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).where('action', '=', action).executeTakeFirstOrThrow()).n);

  // PostgreSQL refuses a NUL in text with an error; a 5,000-character id broke the staff schema's parse.
  const MALFORMED = ['%00', 'x'.repeat(5000), '%E2%80%AE', '%C3%B1'];

  it('malformed ids in the preview and Personal paths answer 404, never 500', async () => {
    const a = await createCustomerWithAdmin(rt.deps);
    const { client } = await signedInStaff(rt, 'admin');
    for (const x of MALFORMED) {
      for (const path of [`/proveedor/clientes/${x}/vista-previa`, `/proveedor/clientes/${a.id}/vista-previa-usuario/${x}`, `/proveedor/clientes/${x}/vista-previa/contabilidad`]) {
        expect((await client.get(path)).status, path.slice(0, 120)).toBe(404);
      }
      for (const [path, form] of [
        [`/proveedor/personal/${x}/rol`, { role: 'admin' }], [`/proveedor/personal/${x}/deshabilitar`, {}], [`/proveedor/personal/${x}/habilitar`, {}],
        [`/proveedor/personal/${x}/reenviar`, {}], [`/proveedor/personal/${x}/restablecer-mfa`, {}],
      ] as const) {
        expect((await client.post(path, form)).status, path.slice(0, 120)).toBe(404);
      }
    }
  });

  it('a contract end typed with spaces around it is saved trimmed and confirmed, not a 500', async () => {
    const a = await createCustomerWithAdmin(rt.deps);
    const k = await addContractFor(rt.deps, a.id, 'contabilidad', '2026-01-01');
    const { client } = await signedInStaff(rt, 'soporte');
    const before = await auditCount('contract.ended');
    const res = await client.post(`/proveedor/clientes/${a.id}/contratos/${k}/terminar`, { endsOn: ' 2026-05-01 ' });
    expect(res.status).toBe(303);
    expect((await rt.deps.db.selectFrom('contracts').select('ends_on').where('id', '=', k).executeTakeFirstOrThrow()).ends_on).toBe('2026-05-01');
    expect(await auditCount('contract.ended')).toBe(before + 1);
    expect(await (await client.get(`/proveedor/clientes/${a.id}`)).text()).toContain('El contrato termina el 1 de mayo de 2026.');
    void createTechnicalUser;
  });
});
