import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { vendorToday } from '../domain/contracts.ts';
import { ValidationError } from '../errors.ts';
import { emitContractEnded } from '../webhooks/webhook-subjects.ts';
import { contractDay } from './add-contract.ts';
import { contractChanged, findContract, isContractVersion, type ContractVersion } from './find-contract.ts';
import { fieldErrors } from './user-fields.ts';

export const EndContractInput = z.object({
  endsOn: contractDay('La fecha de término debe ser un día válido AAAA-MM-DD.'),
});

/**
 * Set a contract's last day; the day after, its system's help closes for the
 * customer. The console passes the customer of its URL: a contract of
 * another customer is a 404 there. The CLI names the contract alone.
 *
 * A last day already past (the contract is no longer in force today) sends
 * contract.ended now; a last day today or later is the scheduler's, the day
 * after it. Both use the same key (contract and last day), so whichever comes
 * second is a no-op: one contract.ended per contract and last day
 * (decision 0028).
 */
export async function endContract(
  deps: Deps,
  actor: Principal,
  input: { id: string; endsOn: string; customerId?: string; expected?: ContractVersion },
): Promise<{ customerId: string; endsOn: string }> {
  const { db, clock } = deps;
  const contract = await findContract(db, input.id, input.customerId);
  if (!isContractVersion(contract, input.expected)) throw contractChanged();
  const parsed = EndContractInput.safeParse({ endsOn: input.endsOn });
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const endsOn = parsed.data.endsOn;
  if (endsOn < contract.starts_on) throw new ValidationError({ endsOn: 'La fecha de término no puede ser anterior a la de inicio.' });
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    // Compare-and-swap on the version read above (see changeContractPlan).
    const r = await trx
      .updateTable('contracts')
      .set({ ends_on: endsOn })
      .where('id', '=', contract.id)
      .where('ends_on', contract.ends_on === null ? 'is' : '=', contract.ends_on)
      .where('plan', '=', contract.plan)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw contractChanged();
    await recordAuditEvent(trx, {
      action: 'contract.ended', at: now, ...auditActor(actor), customerId: contract.customer_id, targetLabel: `${contract.system_name} · ${contract.plan}`,
      detail: { contractId: contract.id, system: contract.system_slug, endsOn, previousEndsOn: contract.ends_on },
    });
    if (endsOn < vendorToday(now)) await emitContractEnded(trx, contract.id, endsOn, now);
  });
  return { customerId: contract.customer_id, endsOn };
}
