import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { notFound, ValidationError } from '../errors.ts';
import { CustomerName } from './create-customer.ts';
import { findCustomer, type CustomerRef } from './find-customer.ts';
import { lockCustomer } from './last-admin-guard.ts';
import type { Precondition } from './precondition.ts';
import { fieldErrors } from './user-fields.ts';

/** A customer's new legal name: the same rule as when it was created. */
export const RenameCustomerInput = z.object({ name: CustomerName });

/**
 * A new legal name ("razón social"), audited with the old and the new one.
 * The same name again changes nothing and audits nothing. `precondition`
 * (the API's If-Match) is checked with the customer's row locked, so of two
 * renames that read the same version, one renames and the other is refused.
 */
export async function renameCustomer(
  deps: Deps,
  actor: Principal,
  ref: CustomerRef,
  raw: { name?: unknown },
  precondition?: Precondition,
): Promise<{ customerId: string; name: string; changed: boolean }> {
  const parsed = RenameCustomerInput.safeParse({ name: raw.name ?? '' });
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  const { name } = parsed.data;
  const customer = await findCustomer(deps.db, ref);
  const now = deps.clock.now();
  const changed = await deps.db.transaction().execute(async (trx) => {
    await lockCustomer(trx, customer.id);
    await precondition?.(trx);
    // Read again under the lock: the name before this change, whatever happened since the first read.
    const current = await trx.selectFrom('customers').select('name').where('id', '=', customer.id).executeTakeFirst();
    if (!current) throw notFound();
    if (current.name === name) return false;
    await trx.updateTable('customers').set({ name }).where('id', '=', customer.id).execute();
    await recordAuditEvent(trx, {
      action: 'customer.renamed', at: now, ...auditActor(actor), customerId: customer.id, targetLabel: name, detail: { rut: customer.rut, from: current.name, to: name },
    });
    return true;
  });
  return { customerId: customer.id, name, changed };
}
