import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { ValidationError } from '../errors.ts';
import { authorizeManageUser } from '../policies/manage-user-policy.ts';
import { findCustomerById } from './find-customer.ts';
import { insertUserWithCredentials } from './insert-user-with-credentials.ts';
import { duplicateEmailMessage, fieldErrors, NewUserFields } from './user-fields.ts';

/**
 * "Agregar usuarios": a technical user of `customerId` with a temporary
 * password, mailed to them. The customer's administrator adds them to its
 * own customer; the vendor's API to any (manage-user-policy.ts decides, as
 * for any other change to a technical user).
 */
export async function inviteTechnicalUser(deps: Deps, actor: Principal, customerId: string, raw: { name?: unknown; email?: unknown }): Promise<{ id: string; email: string }> {
  authorizeManageUser(actor, { customerId, role: 'technical' });
  const parsed = NewUserFields.safeParse({ name: raw.name ?? '', email: raw.email ?? '' });
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const { name, email } = parsed.data;
  const { db, clock, hasher, config } = deps;
  const row = await findCustomerById(db, customerId);
  const customer = { id: row.id, rut: row.rut, name: row.name };

  const exists = await db.selectFrom('users').select('id').where('customer_id', '=', customer.id).where('email', '=', email).executeTakeFirst();
  if (exists) throw new ValidationError({ email: duplicateEmailMessage });

  const temporary = generateTemporaryPassword();
  const hash = await hasher.hash(temporary);
  const now = clock.now();
  const id = randomUUID();
  try {
    await db.transaction().execute(async (trx) => {
      await insertUserWithCredentials(trx, config, actor, { id, customer, email, name, role: 'technical', temporaryPassword: temporary, passwordHash: hash, now });
      await recordAuditEvent(trx, {
        action: 'user.created', at: now, ...auditActor(actor), customerId: customer.id, targetUserId: id, targetLabel: email, detail: { role: 'technical', name },
      });
    });
  } catch (err) {
    // Two requests adding the same e-mail at once: the constraint decides.
    if (isUniqueViolation(err)) throw new ValidationError({ email: duplicateEmailMessage });
    throw err;
  }
  deps.mailQueued();
  return { id, email };
}
