import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { AppError } from '../errors.ts';
import { credentialsSender } from './credentials-sender.ts';
import { loadUserFor, type UserRef } from './find-managed-user.ts';
import { issueCredentials } from './issue-credentials.ts';

/**
 * A new temporary password by e-mail; the previous one, and every session,
 * stop working. The customer's administrator may do it for its technical
 * users, staff for anyone, the administrator included (manage-user-policy.ts).
 */
export async function resendCredentials(deps: Deps, actor: Principal, ref: UserRef): Promise<{ email: string }> {
  const { user, customer } = await loadUserFor(deps.db, actor, ref);
  if (user.disabled_at) throw new AppError(409, 'user-disabled', 'El usuario está deshabilitado. Habilítelo antes de reenviar sus credenciales.');
  const temporary = generateTemporaryPassword();
  const hash = await deps.hasher.hash(temporary);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
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
