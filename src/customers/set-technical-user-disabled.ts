import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { setUserDisabled } from '../auth/credentials.ts';
import { findManagedTechnicalUser } from './find-managed-user.ts';
import type { CustomerUserPrincipal } from '../auth/principal.ts';

/** Disable (sessions and reset links end at once) or enable a technical user. */
export async function setTechnicalUserDisabled(deps: Deps, actor: CustomerUserPrincipal, userId: string, disabled: boolean): Promise<{ email: string }> {
  const user = await findManagedTechnicalUser(deps.db, actor.customer.id, userId);
  const now = deps.clock.now();
  if (Boolean(user.disabled_at) === disabled) return { email: user.email };
  await deps.db.transaction().execute(async (trx) => {
    await setUserDisabled(trx, user.id, disabled, now);
    await recordAuditEvent(trx, {
      action: disabled ? 'user.disabled' : 'user.enabled', at: now, actorUserId: actor.userId, actorLabel: actor.email,
      customerId: actor.customer.id, targetUserId: user.id, targetLabel: user.email, ip: actor.ip,
    });
  });
  return { email: user.email };
}
