import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { isCalendarDay } from '../domain/contracts.ts';
import { AppError, ValidationError } from '../errors.ts';

/** Set a contract's last day; the day after, its system's help closes for the customer. */
export async function endContract(deps: Deps, actor: Principal, input: { id: string; endsOn: string }): Promise<void> {
  const { db, clock } = deps;
  const contract = await db.selectFrom('contracts').selectAll().where('id', '=', input.id).executeTakeFirst();
  if (!contract) throw new AppError(404, 'contract-not-found', `No existe el contrato ${input.id}.`);
  if (!isCalendarDay(input.endsOn)) throw new ValidationError({ endsOn: 'La fecha de término debe ser un día válido AAAA-MM-DD.' });
  if (input.endsOn < contract.starts_on) throw new ValidationError({ endsOn: 'La fecha de término no puede ser anterior a la de inicio.' });
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('contracts').set({ ends_on: input.endsOn }).where('id', '=', input.id).execute();
    await recordAuditEvent(trx, {
      action: 'contract.ended', at: now, ...auditActor(actor), customerId: contract.customer_id,
      detail: { contractId: input.id, endsOn: input.endsOn, previousEndsOn: contract.ends_on },
    });
  });
}
