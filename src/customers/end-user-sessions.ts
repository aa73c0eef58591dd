import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { revokeUserSessions } from '../auth/session.ts';
import { loadUserFor, type UserRef } from './find-managed-user.ts';

/** Sign a user out everywhere (a lost phone, a shared computer); the password stays as it is. */
export async function endUserSessions(deps: Deps, actor: Principal, ref: UserRef): Promise<{ email: string; ended: number }> {
  const { user, customer } = await loadUserFor(deps.db, actor, ref);
  const now = deps.clock.now();
  const ended = await deps.db.transaction().execute(async (trx) => {
    const n = await revokeUserSessions(trx, user.id);
    await recordAuditEvent(trx, {
      action: 'user.sessions-ended', at: now, ...auditActor(actor), customerId: customer.id, targetUserId: user.id, targetLabel: user.email, detail: { sessions: n },
    });
    return n;
  });
  return { email: user.email, ended };
}
