import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { isCalendarDay, isContractDay } from '../domain/contracts.ts';
import { plainLine } from '../domain/plain-text.ts';
import { ValidationError } from '../errors.ts';
import { emitContractEvent } from '../webhooks/webhook-subjects.ts';
import { findCustomer, type CustomerRef } from './find-customer.ts';
import { fieldErrors } from './user-fields.ts';

/** The plan's name as staff type it ("Plan Pyme"). */
export const ContractPlan = plainLine('El plan').min(1, 'Ingrese el plan contratado.').max(120, 'El plan puede tener como máximo 120 caracteres.');

/** A calendar day as the date inputs send it (YYYY-MM-DD). */
export const contractDay = (message: string) =>
  z
    .string()
    .trim()
    .refine(isCalendarDay, message)
    .refine(isContractDay, 'Revise el año: debe estar entre 1900 y 2999. Si el contrato no tiene término, deje vacía la fecha de término.');

const START_MESSAGE = 'La fecha de inicio debe ser un día válido AAAA-MM-DD.';
const END_MESSAGE = 'La fecha de término debe ser un día válido AAAA-MM-DD.';

/** A contract as the console's form and the CLI's `contract add` give it; an empty end date means open-ended. */
export const AddContractInput = z.object({
  system: z.string({ error: 'Elija el sistema contratado.' }).trim().min(1, 'Elija el sistema contratado.').max(100),
  plan: ContractPlan,
  startsOn: contractDay(START_MESSAGE),
  endsOn: z.union([z.literal(''), contractDay(END_MESSAGE)], { error: END_MESSAGE }).nullish().transform((v) => v || null),
});

export type AddContractInput = z.input<typeof AddContractInput>;

/** Vendor staff record a contract; help access follows it automatically from its first day. */
export async function addContract(deps: Deps, actor: Principal, ref: CustomerRef, raw: AddContractInput): Promise<{ id: string; customerId: string }> {
  const { db, clock } = deps;
  const customer = await findCustomer(db, ref);
  const parsed = AddContractInput.safeParse(raw);
  const errors = parsed.success ? {} : fieldErrors(parsed.error);
  const slug = typeof raw.system === 'string' ? raw.system.trim() : '';
  const system = slug ? await db.selectFrom('systems').select(['id', 'name', 'slug']).where('slug', '=', slug).executeTakeFirst() : undefined;
  if (slug && !system) errors.system ??= `No existe el sistema "${slug}".`;
  const input = parsed.data;
  // Said alongside the other mistakes, even when another field failed.
  const [from, to] = [String(raw.startsOn ?? '').trim(), String(raw.endsOn ?? '').trim()];
  if (isCalendarDay(from) && isCalendarDay(to) && to < from) errors.endsOn = 'La fecha de término no puede ser anterior a la de inicio.';
  if (!input || !system || Object.keys(errors).length > 0) throw new ValidationError(errors);
  const id = randomUUID();
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('contracts')
      .values({ id, customer_id: customer.id, system_id: system.id, plan: input.plan, starts_on: input.startsOn, ends_on: input.endsOn, created_at: now.toISOString() })
      .execute();
    await recordAuditEvent(trx, {
      action: 'contract.added', at: now, ...auditActor(actor), customerId: customer.id, targetLabel: `${system.name} · ${input.plan}`,
      detail: { contractId: id, system: system.slug, plan: input.plan, startsOn: input.startsOn, endsOn: input.endsOn },
    });
    await emitContractEvent(trx, 'contract.created', id, now);
  });
  return { id, customerId: customer.id };
}
