import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { AppError, notFound } from '../errors.ts';
import { credentialsSender } from './credentials-sender.ts';
import { loadUserFor, type UserRef } from './find-managed-user.ts';
import { issueCredentials } from './issue-credentials.ts';
import type { Precondition } from './precondition.ts';

/**
 * A new temporary password by e-mail; the previous one, and every session,
 * stop working. The customer's administrator may do it for its technical
 * users, staff for anyone, the administrator included (manage-user-policy.ts).
 */
export async function resendCredentials(deps: Deps, actor: Principal, ref: UserRef, precondition?: Precondition): Promise<{ email: string }> {
  const { user, customer } = await loadUserFor(deps.db, actor, ref);
  if (user.disabled_at) throw userDisabled();
  const temporary = generateTemporaryPassword();
  const hash = await deps.hasher.hash(temporary);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // The hash took a while: the user may have been deleted or disabled meanwhile. Checked on the row itself
    // (an UPDATE waits for the other agent's lock on PostgreSQL), so no password and no mail for someone who is gone or shut out.
    const still = await trx.updateTable('users').set((eb) => ({ id: eb.ref('id') })).where('id', '=', user.id).where('disabled_at', 'is', null).executeTakeFirst();
    if (Number(still.numUpdatedRows) !== 1) {
      const row = await trx.selectFrom('users').select('id').where('id', '=', user.id).executeTakeFirst();
      throw row ? userDisabled() : notFound();
    }
    // The row is locked now (the UPDATE above): the API's If-Match is checked against what is about to change.
    await precondition?.(trx);
    await issueCredentials(
      trx, deps.config, { userId: user.id, email: user.email, name: user.name, role: user.role, customer },
      hash, temporary, credentialsSender(actor, deps.config), now, true,
    );
    await recordAuditEvent(trx, {
      action: 'user.credentials-resent', at: now, ...auditActor(actor), customerId: customer.id, targetUserId: user.id, targetLabel: user.email,
    });
  });
  deps.mailQueued();
  return { email: user.email };
}

const userDisabled = () => new AppError(409, 'user-disabled', 'El usuario está deshabilitado. Habilítelo antes de reenviar sus credenciales.');
