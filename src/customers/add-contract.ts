import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { isCalendarDay } from '../domain/contracts.ts';
import { plainLine } from '../domain/plain-text.ts';
import { ValidationError } from '../errors.ts';
import { findCustomerByRut } from './find-customer.ts';

/** The plan's name as staff type it ("Plan Pyme"). */
export const ContractPlan = plainLine('El plan').min(1, 'Ingrese el plan contratado.').max(120, 'El plan puede tener como máximo 120 caracteres.');

/** Vendor staff record a contract; help access follows it automatically from its first day. */
export async function addContract(
  deps: Deps,
  actor: Principal,
  input: { rut: string; system: string; plan: string; startsOn: string; endsOn?: string | null },
): Promise<{ id: string }> {
  const { db, clock } = deps;
  const customer = await findCustomerByRut(db, input.rut);
  const system = await db.selectFrom('systems').select(['id', 'name']).where('slug', '=', input.system).executeTakeFirst();
  const errors: Record<string, string> = {};
  if (!system) errors.system = `No existe el sistema "${input.system}".`;
  const plan = ContractPlan.safeParse(input.plan);
  if (!plan.success) errors.plan = plan.error.issues[0]!.message;
  if (!isCalendarDay(input.startsOn)) errors.startsOn = 'La fecha de inicio debe ser un día válido AAAA-MM-DD.';
  if (input.endsOn && !isCalendarDay(input.endsOn)) errors.endsOn = 'La fecha de término debe ser un día válido AAAA-MM-DD.';
  else if (input.endsOn && input.endsOn < input.startsOn) errors.endsOn = 'La fecha de término no puede ser anterior a la de inicio.';
  if (!system || !plan.success || Object.keys(errors).length > 0) throw new ValidationError(errors);
  const id = randomUUID();
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('contracts')
      .values({ id, customer_id: customer.id, system_id: system.id, plan: plan.data, starts_on: input.startsOn, ends_on: input.endsOn ?? null, created_at: now.toISOString() })
      .execute();
    await recordAuditEvent(trx, {
      action: 'contract.added', at: now, ...auditActor(actor), customerId: customer.id,
      detail: { contractId: id, system: input.system, plan: plan.data, startsOn: input.startsOn, endsOn: input.endsOn ?? null },
    });
  });
  return { id };
}
