import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerWithAdmin } from '../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { cliOperator } from '../auth/principal.ts';
import { AppError, ValidationError } from '../errors.ts';
import { renameCustomer } from './rename-customer.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

const operator = cliOperator('pruebas');
const nameOf = async (id: string) => (await rt.deps.db.selectFrom('customers').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name;
const renamed = (id: string) => rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'customer.renamed').where('customer_id', '=', id).execute();

describe('renameCustomer', () => {
  it('renames by RUT as typed or by id, audited with the old and the new name; the same name again changes nothing', async () => {
    const c = await createCustomerWithAdmin(rt.deps, { name: 'Antes SpA' });
    expect(await renameCustomer(rt.deps, operator, { rut: c.rut.replace('-', '') }, { name: ' Después SpA ' })).toEqual({ customerId: c.id, name: 'Después SpA', changed: true });
    expect(await nameOf(c.id)).toBe('Después SpA');
    expect(await renameCustomer(rt.deps, operator, { id: c.id }, { name: 'Después SpA' })).toMatchObject({ changed: false });
    const audit = await renamed(c.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'cli', actor_label: 'operador (pruebas)', target_label: 'Después SpA' });
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ rut: c.rut, from: 'Antes SpA', to: 'Después SpA' });
  });

  it('refuses a name the creation would refuse, with its message', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    for (const [name, message] of [
      ['', 'Ingrese la razón social del cliente.'],
      ['x'.repeat(201), 'La razón social puede tener como máximo 200 caracteres.'],
    ] as const) {
      const err = await renameCustomer(rt.deps, operator, { id: c.id }, { name }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).fieldErrors).toEqual({ name: message });
    }
    expect(await renamed(c.id)).toHaveLength(0);
  });

  it('runs the precondition under the customer\'s lock: when it refuses, nothing is written', async () => {
    const c = await createCustomerWithAdmin(rt.deps, { name: 'Quieto Ltda.' });
    const refuse = async () => {
      throw new AppError(409, 'no', 'no');
    };
    await expect(renameCustomer(rt.deps, operator, { id: c.id }, { name: 'Movido Ltda.' }, refuse)).rejects.toThrow('no');
    expect(await nameOf(c.id)).toBe('Quieto Ltda.');
    expect(await renamed(c.id)).toHaveLength(0);
    // The precondition sees the row as the transaction does.
    let seen = '';
    await renameCustomer(rt.deps, operator, { id: c.id }, { name: 'Movido Ltda.' }, async (trx) => {
      seen = (await trx.selectFrom('customers').select('name').where('id', '=', c.id).executeTakeFirstOrThrow()).name;
    });
    expect(seen).toBe('Quieto Ltda.');
    expect(await nameOf(c.id)).toBe('Movido Ltda.');
  });
});
