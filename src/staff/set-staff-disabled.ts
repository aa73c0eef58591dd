import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { notFound } from '../errors.ts';
import { authorizeStaffManager } from './authorize-staff-manager.ts';
import { assertNotLastActiveAdmin, assertNotSelf, assertStillStaffManager, loadStaffTarget, lockActiveAdmins } from './staff-admin-guard.ts';
import { revokeStaffSessions } from './staff-session.ts';

export const SetStaffDisabledInput = z.object({
  staffId: z.string().min(1).max(100),
  disabled: z.boolean(),
});
export type SetStaffDisabledInput = z.infer<typeof SetStaffDisabledInput>;

/**
 * Disable a staff member (every console session of theirs ends in the same
 * transaction) or enable them again. Nobody disables themself, and the last
 * active administrator stays enabled (see staff-admin-guard.ts for why two
 * requests at once cannot get round that). Already in the asked state:
 * nothing written.
 */
export async function setStaffDisabled(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Principal,
  input: SetStaffDisabledInput,
): Promise<{ email: string; name: string; changed: boolean; sessionsEnded: number }> {
  authorizeStaffManager(actor);
  const parsed = SetStaffDisabledInput.safeParse(input);
  // The id comes from the page's URL: a bad one names nobody.
  if (!parsed.success) throw notFound();
  const { staffId, disabled } = parsed.data;
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    if (disabled) await lockActiveAdmins(trx);
    await assertStillStaffManager(trx, actor);
    const target = await loadStaffTarget(trx, staffId);
    if ((target.disabled_at !== null) === disabled) return { email: target.email, name: target.name, changed: false, sessionsEnded: 0 };
    assertNotSelf(actor, target, 'disable');
    if (disabled) await assertNotLastActiveAdmin(trx, target, 'disable');
    const r = await trx
      .updateTable('staff')
      .set({ disabled_at: disabled ? now.toISOString() : null })
      .where('id', '=', target.id)
      .where('disabled_at', disabled ? 'is' : 'is not', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return { email: target.email, name: target.name, changed: false, sessionsEnded: 0 };
    const sessionsEnded = disabled ? await revokeStaffSessions(trx, target.id) : 0;
    await recordAuditEvent(trx, {
      action: disabled ? 'staff.disabled' : 'staff.enabled', at: now, ...auditActor(actor), customerId: null, targetLabel: target.email,
      detail: disabled ? { staffId: target.id, sessionsEnded } : { staffId: target.id },
    });
    return { email: target.email, name: target.name, changed: true, sessionsEnded };
  });
}
