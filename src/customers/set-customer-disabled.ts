import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { revokeCustomerSessions } from '../auth/session.ts';
import { emitWebhookEvent } from '../webhooks/webhook-events.ts';
import { findCustomer, type CustomerRef } from './find-customer.ts';
import { lockCustomer } from './last-admin-guard.ts';
import type { Precondition } from './precondition.ts';

/** Vendor staff suspend (or restore) a whole customer; its sessions end at once. */
export async function setCustomerDisabled(
  deps: Deps,
  actor: Principal,
  ref: CustomerRef,
  disabled: boolean,
  precondition?: Precondition,
): Promise<{ name: string; changed: boolean }> {
  const customer = await findCustomer(deps.db, ref);
  if (Boolean(customer.disabled_at) === disabled) return { name: customer.name, changed: false };
  const now = deps.clock.now();
  const changed = await deps.db.transaction().execute(async (trx) => {
    // The API's If-Match, checked with the row locked: nothing changes the customer between the check and the write.
    if (precondition) {
      await lockCustomer(trx, customer.id);
      await precondition(trx);
    }
    // Compare-and-swap: of two clicks at once, one changes the customer and audits it; the other changes nothing.
    const r = await trx
      .updateTable('customers')
      .set({ disabled_at: disabled ? now.toISOString() : null })
      .where('id', '=', customer.id)
      .where('disabled_at', disabled ? 'is' : 'is not', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    if (disabled) {
      await revokeCustomerSessions(trx, customer.id);
      await emitWebhookEvent(trx, 'customer.disabled', { customer: { id: customer.id, rut: customer.rut, name: customer.name, disabledAt: now.toISOString() } }, now);
    }
    await recordAuditEvent(trx, {
      action: disabled ? 'customer.disabled' : 'customer.enabled', at: now, ...auditActor(actor), customerId: customer.id,
    });
    return true;
  });
  return { name: customer.name, changed };
}
