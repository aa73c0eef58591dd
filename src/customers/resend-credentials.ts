import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { AppError } from '../errors.ts';
import { findManagedTechnicalUser } from './find-managed-user.ts';
import type { CustomerUserPrincipal } from '../auth/principal.ts';
import { issueCredentials } from './issue-credentials.ts';

/** A new temporary password by e-mail; the previous one, and every session, stop working. */
export async function resendCredentials(deps: Deps, actor: CustomerUserPrincipal, userId: string): Promise<{ email: string }> {
  const user = await findManagedTechnicalUser(deps.db, actor.customer.id, userId);
  if (user.disabled_at) throw new AppError(409, 'user-disabled', 'El usuario está deshabilitado. Habilítelo antes de reenviar sus credenciales.');
  const temporary = generateTemporaryPassword();
  const hash = await deps.hasher.hash(temporary);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await issueCredentials(trx, deps.config, { userId: user.id, email: user.email, name: user.name, role: 'technical', customer: actor.customer }, hash, temporary, actor.name, now, true);
    await recordAuditEvent(trx, {
      action: 'user.credentials-resent', at: now, actorUserId: actor.userId, actorLabel: actor.email, customerId: actor.customer.id,
      targetUserId: user.id, targetLabel: user.email, ip: actor.ip,
    });
  });
  deps.mailQueued();
  return { email: user.email };
}
