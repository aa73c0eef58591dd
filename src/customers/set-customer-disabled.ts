import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { revokeCustomerSessions } from '../auth/session.ts';
import { findCustomerByRut } from './find-customer.ts';

/** Vendor staff suspend (or restore) a whole customer; its sessions end at once. */
export async function setCustomerDisabled(deps: Deps, actor: Principal, rut: string, disabled: boolean): Promise<{ name: string; changed: boolean }> {
  const customer = await findCustomerByRut(deps.db, rut);
  if (Boolean(customer.disabled_at) === disabled) return { name: customer.name, changed: false };
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('customers').set({ disabled_at: disabled ? now.toISOString() : null }).where('id', '=', customer.id).execute();
    if (disabled) await revokeCustomerSessions(trx, customer.id);
    await recordAuditEvent(trx, {
      action: disabled ? 'customer.disabled' : 'customer.enabled', at: now, ...auditActor(actor), customerId: customer.id,
    });
  });
  return { name: customer.name, changed: true };
}
