import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { deleteUser } from '../auth/credentials.ts';
import { findManagedTechnicalUser } from './find-managed-user.ts';
import type { CustomerUserPrincipal } from '../auth/principal.ts';

export async function deleteTechnicalUser(deps: Deps, actor: CustomerUserPrincipal, userId: string): Promise<{ email: string }> {
  const user = await findManagedTechnicalUser(deps.db, actor.customer.id, userId);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // Sessions and reset links go with the user (ON DELETE CASCADE); the audit
    // trail keeps the e-mail as text.
    await deleteUser(trx, user.id);
    await recordAuditEvent(trx, {
      action: 'user.deleted', at: now, actorUserId: actor.userId, actorLabel: actor.email, customerId: actor.customer.id,
      targetUserId: user.id, targetLabel: user.email, ip: actor.ip, detail: { name: user.name },
    });
  });
  return { email: user.email };
}
