import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { ValidationError } from '../errors.ts';
import { ContractPlan } from './add-contract.ts';
import { contractChanged, findContract, isContractVersion, type ContractVersion } from './find-contract.ts';
import { fieldErrors } from './user-fields.ts';

export const ChangePlanInput = z.object({ plan: ContractPlan });

/**
 * Rename the plan of a contract (an upgrade, a renamed offer). The dates stay:
 * a change that should start on a given day is a new contract and the end of
 * this one.
 */
export async function changeContractPlan(
  deps: Deps,
  actor: Principal,
  input: { id: string; plan: string; customerId?: string; expected?: ContractVersion },
): Promise<{ changed: boolean }> {
  const contract = await findContract(deps.db, input.id, input.customerId);
  if (!isContractVersion(contract, input.expected)) throw contractChanged();
  const parsed = ChangePlanInput.safeParse({ plan: input.plan });
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const plan = parsed.data.plan;
  if (plan === contract.plan) return { changed: false };
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // Compare-and-swap on the version read above (plan and end): of two agents at once, the second is told instead of
    // overwriting and auditing a stale "before"; with `expected`, the write lands only on the version the caller saw.
    const r = await trx
      .updateTable('contracts')
      .set({ plan })
      .where('id', '=', contract.id)
      .where('plan', '=', contract.plan)
      .where('ends_on', contract.ends_on === null ? 'is' : '=', contract.ends_on)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw contractChanged();
    await recordAuditEvent(trx, {
      action: 'contract.plan-changed', at: now, ...auditActor(actor), customerId: contract.customer_id, targetLabel: `${contract.system_name} · ${plan}`,
      detail: { contractId: contract.id, system: contract.system_slug, plan, previousPlan: contract.plan },
    });
  });
  return { changed: true };
}
