import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import type { CustomerUserPrincipal } from '../auth/principal.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { ValidationError } from '../errors.ts';
import { insertUserWithCredentials } from './insert-user-with-credentials.ts';
import { duplicateEmailMessage, fieldErrors, NewUserFields } from './user-fields.ts';


/** "Agregar usuarios": a technical user with a temporary password, mailed to them. */
export async function inviteTechnicalUser(deps: Deps, actor: CustomerUserPrincipal, raw: { name?: unknown; email?: unknown }): Promise<{ id: string; email: string }> {
  const parsed = NewUserFields.safeParse({ name: raw.name ?? '', email: raw.email ?? '' });
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const { name, email } = parsed.data;
  const { db, clock, hasher, config } = deps;

  const exists = await db.selectFrom('users').select('id').where('customer_id', '=', actor.customer.id).where('email', '=', email).executeTakeFirst();
  if (exists) throw new ValidationError({ email: duplicateEmailMessage });

  const temporary = generateTemporaryPassword();
  const hash = await hasher.hash(temporary);
  const now = clock.now();
  const id = randomUUID();
  try {
    await db.transaction().execute(async (trx) => {
      await insertUserWithCredentials(trx, config, actor, { id, customer: actor.customer, email, name, role: 'technical', temporaryPassword: temporary, passwordHash: hash, now });
      await recordAuditEvent(trx, {
        action: 'user.created', at: now, actorUserId: actor.userId, actorLabel: actor.email, customerId: actor.customer.id,
        targetUserId: id, targetLabel: email, ip: actor.ip, detail: { role: 'technical', name },
      });
    });
  } catch (err) {
    // Two administrators adding the same e-mail at once: the constraint decides.
    if (isUniqueViolation(err)) throw new ValidationError({ email: duplicateEmailMessage });
    throw err;
  }
  deps.mailQueued();
  return { id, email };
}
