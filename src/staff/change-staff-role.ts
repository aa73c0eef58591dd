import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import type { StaffRole } from '../db/schema.ts';
import { notFound, ValidationError } from '../errors.ts';
import { STAFF_ROLES } from '../policies/staff-policy.ts';
import { authorizeStaffManager } from './authorize-staff-manager.ts';
import { assertNotLastActiveAdmin, assertNotSelf, assertStillStaffManager, loadStaffTarget, lockActiveAdmins } from './staff-admin-guard.ts';

export const ChangeStaffRoleInput = z.object({
  staffId: z.string().min(1).max(100),
  role: z.enum(STAFF_ROLES as [StaffRole, ...StaffRole[]], { error: 'Elija un rol de la lista.' }),
});
export type ChangeStaffRoleInput = z.infer<typeof ChangeStaffRoleInput>;

/**
 * Give a staff member another role. Nobody changes their own, and the last
 * active administrator keeps theirs; both checked inside one transaction
 * after the administrators' rows are locked (staff-admin-guard.ts), so two
 * administrators demoting each other at once leave one of them in place.
 * The new role applies from the member's next request: sessions read it.
 */
export async function changeStaffRole(deps: Pick<Deps, 'db' | 'clock'>, actor: Principal, input: unknown): Promise<{ email: string; name: string; role: StaffRole; changed: boolean }> {
  authorizeStaffManager(actor);
  const parsed = ChangeStaffRoleInput.safeParse(input);
  if (!parsed.success) {
    // The id comes from the page's URL: a bad one names nobody.
    if (parsed.error.issues.some((i) => i.path[0] === 'staffId')) throw notFound();
    throw new ValidationError({ role: parsed.error.issues[0]!.message });
  }
  const { staffId, role } = parsed.data;
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    await lockActiveAdmins(trx);
    await assertStillStaffManager(trx, actor);
    const target = await loadStaffTarget(trx, staffId);
    if (target.role === role) return { email: target.email, name: target.name, role, changed: false };
    assertNotSelf(actor, target, 'change-role');
    if (role !== 'admin') await assertNotLastActiveAdmin(trx, target, 'change-role');
    // Compare-and-set on the role read above: nothing else changed it in between.
    const r = await trx.updateTable('staff').set({ role }).where('id', '=', target.id).where('role', '=', target.role).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new Error('staff role changed under the lock');
    await recordAuditEvent(trx, {
      action: 'staff.role-changed', at: now, ...auditActor(actor), customerId: null, targetLabel: target.email,
      detail: { staffId: target.id, from: target.role, to: role },
    });
    return { email: target.email, name: target.name, role, changed: true };
  });
}
