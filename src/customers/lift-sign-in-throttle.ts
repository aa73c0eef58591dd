import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { accountId } from '../auth/password-attempt.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { clearAccount } from '../auth/throttle.ts';
import { loadUserFor, type UserRef } from './find-managed-user.ts';

/**
 * Support confirmed who is calling: the account's failed sign-ins are
 * forgotten so the person can try again now. Only the account's own keys go;
 * a block on an address (many accounts tried from one place) stays.
 */
export async function liftSignInThrottle(deps: Deps, actor: Principal, ref: UserRef): Promise<{ email: string; cleared: number }> {
  const { user, customer } = await loadUserFor(deps.db, actor, ref);
  const now = deps.clock.now();
  const cleared = await deps.db.transaction().execute(async (trx) => {
    const n = await clearAccount(trx, accountId(customer.rut, user.email));
    await recordAuditEvent(trx, {
      action: 'user.throttle-lifted', at: now, ...auditActor(actor), customerId: customer.id, targetUserId: user.id, targetLabel: user.email, detail: { keys: n },
    });
    return n;
  });
  return { email: user.email, cleared };
}
