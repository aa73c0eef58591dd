import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { deleteUser as deleteUserRow } from '../auth/credentials.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { notFound } from '../errors.ts';
import { loadUserFor, type UserRef } from './find-managed-user.ts';
import { assertNotLastActiveAdmin, lockCustomer } from './last-admin-guard.ts';
import { lockUser, type Precondition } from './precondition.ts';

/**
 * Delete a user for good. The customer's last enabled administrator is
 * refused (the customer would have nobody to manage its users); two
 * deletions racing for the last two are serialised by lockCustomer.
 */
export async function deleteUser(deps: Deps, actor: Principal, ref: UserRef, precondition?: Precondition): Promise<{ email: string }> {
  const { user, customer } = await loadUserFor(deps.db, actor, ref);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // Always locked, so a second deletion of the same user waits, then finds it gone (404) rather than auditing twice.
    await lockCustomer(trx, customer.id);
    if (precondition) {
      if (!(await lockUser(trx, user.id))) throw notFound();
      await precondition(trx);
    }
    if (user.role === 'admin') await assertNotLastActiveAdmin(trx, customer.id, user.id, 'delete');
    // Sessions and reset links go with the user (ON DELETE CASCADE); the audit
    // trail keeps the e-mail as text. Deleted meanwhile by someone else: 404.
    const gone = await trx.selectFrom('users').select('id').where('id', '=', user.id).executeTakeFirst();
    if (!gone) throw notFound();
    await deleteUserRow(trx, user.id);
    await recordAuditEvent(trx, {
      action: 'user.deleted', at: now, ...auditActor(actor), customerId: customer.id, targetUserId: user.id, targetLabel: user.email,
      detail: { name: user.name },
    });
  });
  return { email: user.email };
}
