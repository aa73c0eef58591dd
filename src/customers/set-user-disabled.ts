import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { setUserDisabled as writeUserDisabled } from '../auth/credentials.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { emitUserDisabled } from '../webhooks/webhook-subjects.ts';
import { loadUserFor, type UserRef } from './find-managed-user.ts';
import { assertNotLastActiveAdmin, lockCustomer } from './last-admin-guard.ts';
import { lockUser, type Precondition } from './precondition.ts';
import { notFound } from '../errors.ts';

/**
 * Disable (sessions and reset links end at once) or enable a user. The
 * customer's last enabled administrator cannot be disabled: replace it instead.
 */
export async function setUserDisabled(deps: Deps, actor: Principal, ref: UserRef, disabled: boolean, precondition?: Precondition): Promise<{ email: string; changed: boolean }> {
  const { user, customer } = await loadUserFor(deps.db, actor, ref);
  const now = deps.clock.now();
  if (Boolean(user.disabled_at) === disabled) return { email: user.email, changed: false };
  const changed = await deps.db.transaction().execute(async (trx) => {
    // Locks in one order everywhere: the customer's, then the user's.
    if (disabled && user.role === 'admin') await lockCustomer(trx, customer.id);
    if (precondition) {
      if (!(await lockUser(trx, user.id))) throw notFound();
      await precondition(trx);
    }
    if (disabled && user.role === 'admin') await assertNotLastActiveAdmin(trx, customer.id, user.id, 'disable');
    // Two agents clicking at once: the second finds it already done and audits nothing.
    if (!(await writeUserDisabled(trx, user.id, disabled, now))) return false;
    if (disabled) await emitUserDisabled(trx, user.id, now);
    await recordAuditEvent(trx, {
      action: disabled ? 'user.disabled' : 'user.enabled', at: now, ...auditActor(actor), customerId: customer.id, targetUserId: user.id, targetLabel: user.email,
    });
    return true;
  });
  return { email: user.email, changed };
}
