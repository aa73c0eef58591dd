import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOperator } from '../auth/principal.ts';
import { addContractFor, createCustomerWithAdmin } from '../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { changeContractPlan } from './change-contract-plan.ts';
import { endContract } from './end-contract.ts';

/**
 * A change told which version its caller saw (`expected`, the API's
 * If-Match) lands only on that version: one read after another agent's
 * change is refused (409 contract-changed, which the API answers as 412),
 * nothing written, nothing audited. The HTTP race is in contracts-api.test.ts;
 * this is the window it cannot aim at: the other change committed between the
 * caller's check and the operation's own read.
 */
let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: true });
});
afterAll(() => rt.close());

const actor = cliOperator('pruebas');
const auditCount = async (customerId: string) =>
  (await rt.deps.db.selectFrom('audit_events').select('id').where('customer_id', '=', customerId).where('action', 'in', ['contract.plan-changed', 'contract.ended']).execute()).length;

describe('contract changes with an expected version', () => {
  it('change the plan or the end when the contract is still as the caller saw it', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const id = await addContractFor(rt.deps, c.id, 'contabilidad', '2026-01-01', null, 'Plan Pyme');
    expect(await changeContractPlan(rt.deps, actor, { id, plan: 'Plan Grande', expected: { plan: 'Plan Pyme', endsOn: null } })).toEqual({ changed: true });
    await endContract(rt.deps, actor, { id, endsOn: '2026-06-30', expected: { plan: 'Plan Grande', endsOn: null } });
    const row = await rt.deps.db.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.plan, row.ends_on]).toEqual(['Plan Grande', '2026-06-30']);
  });

  it('refuse a plan change or an end on a version that changed since (plan or end), writing and auditing nothing', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const id = await addContractFor(rt.deps, c.id, 'contabilidad', '2026-01-01', null, 'Plan Pyme');
    // Another agent set an end after the caller read the contract.
    await endContract(rt.deps, actor, { id, endsOn: '2026-12-31' });
    const before = await auditCount(c.id);
    const seen = { plan: 'Plan Pyme', endsOn: null };
    await expect(changeContractPlan(rt.deps, actor, { id, plan: 'Plan Grande', expected: seen })).rejects.toMatchObject({ status: 409, id: 'contract-changed' });
    await expect(endContract(rt.deps, actor, { id, endsOn: '2026-06-30', expected: seen })).rejects.toMatchObject({ status: 409, id: 'contract-changed' });
    // And a plan changed since: the end is refused just the same.
    await changeContractPlan(rt.deps, actor, { id, plan: 'Plan Otro' });
    await expect(endContract(rt.deps, actor, { id, endsOn: '2026-06-30', expected: { plan: 'Plan Pyme', endsOn: '2026-12-31' } })).rejects.toMatchObject({ id: 'contract-changed' });
    const row = await rt.deps.db.selectFrom('contracts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.plan, row.ends_on]).toEqual(['Plan Otro', '2026-12-31']);
    expect(await auditCount(c.id)).toBe(before + 1);
  });
});
