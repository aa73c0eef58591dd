import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { setUserDisabled, setUserRole } from '../auth/credentials.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { notFound, ValidationError } from '../errors.ts';
import { findCustomerById, isUuid } from './find-customer.ts';
import { emitUserDisabled } from '../webhooks/webhook-subjects.ts';
import { insertUserWithCredentials } from './insert-user-with-credentials.ts';
import { lockCustomer } from './last-admin-guard.ts';
import { duplicateEmailMessage, fieldErrors, NewUserFields } from './user-fields.ts';

/**
 * A new administrator for a customer, with a temporary password by mail.
 * `replaces` names an administrator who steps down in the same transaction:
 * kept as a technical user ('technical': still reads the help) or disabled
 * ('disabled': no access at all); either way their sessions end.
 */
export const CustomerAdminInput = NewUserFields.extend({
  replaces: z.string().optional(),
  previousBecomes: z.enum(['technical', 'disabled'], { error: 'Elija qué pasa con el administrador anterior.' }).optional(),
});

/** As a form or the CLI sends it: checked by the schema, so anything may come in. */
export type CustomerAdminInput = { name?: unknown; email?: unknown; replaces?: unknown; previousBecomes?: unknown };

export async function addCustomerAdmin(deps: Deps, actor: Principal, customerId: string, raw: CustomerAdminInput): Promise<{ id: string; email: string; replaced: string | null }> {
  const parsed = CustomerAdminInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const input = parsed.data;
  const customer = await findCustomerById(deps.db, customerId);
  let previous: { id: string; email: string } | null = null;
  if (input.replaces) {
    if (!isUuid(input.replaces)) throw notFound();
    const row = await deps.db
      .selectFrom('users').select(['id', 'email', 'role'])
      .where('id', '=', input.replaces).where('customer_id', '=', customer.id).executeTakeFirst();
    if (!row || row.role !== 'admin') throw new ValidationError({ replaces: 'Elija uno de los administradores del cliente.' });
    if (!input.previousBecomes) throw new ValidationError({ previousBecomes: 'Elija qué pasa con el administrador anterior.' });
    previous = row;
  }
  const exists = await deps.db.selectFrom('users').select('id').where('customer_id', '=', customer.id).where('email', '=', input.email).executeTakeFirst();
  if (exists) throw new ValidationError({ email: duplicateEmailMessage });

  const { db, clock, hasher, config } = deps;
  const temporary = generateTemporaryPassword();
  const hash = await hasher.hash(temporary);
  const now = clock.now();
  const id = randomUUID();
  try {
    await db.transaction().execute(async (trx) => {
      await lockCustomer(trx, customer.id);
      if (previous) {
        // Checked again under the lock: the one being replaced may have gone meanwhile.
        const still = await trx.selectFrom('users').select('role').where('id', '=', previous.id).executeTakeFirst();
        if (still?.role !== 'admin') throw new ValidationError({ replaces: 'Ese administrador ya no lo es; vuelva a la página del cliente.' });
        if (input.previousBecomes === 'technical') await setUserRole(trx, previous.id, 'technical');
        else if (await setUserDisabled(trx, previous.id, true, now)) await emitUserDisabled(trx, previous.id, now);
      }
      await insertUserWithCredentials(trx, config, actor, { id, customer, email: input.email, name: input.name, role: 'admin', temporaryPassword: temporary, passwordHash: hash, now });
      await recordAuditEvent(trx, {
        action: previous ? 'customer.admin-replaced' : 'customer.admin-added', at: now, ...auditActor(actor), customerId: customer.id,
        targetUserId: id, targetLabel: input.email,
        detail: previous ? { name: input.name, previousAdminId: previous.id, previousEmail: previous.email, previousBecomes: input.previousBecomes } : { name: input.name },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError({ email: duplicateEmailMessage });
    throw err;
  }
  deps.mailQueued();
  return { id, email: input.email, replaced: previous?.email ?? null };
}
