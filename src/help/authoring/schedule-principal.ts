import type { Transaction } from 'kysely';
import type { Principal } from '../../auth/principal.ts';
import type { Database } from '../../db/schema.ts';
import { authorizeStaff } from '../../policies/staff-policy.ts';
import { forbidden } from '../../errors.ts';

/** Who may schedule, cancel, and (when the time comes) have a schedule carried out: help:publish, or the operator's terminal. */
export function authorizeSchedule(by: Principal): void {
  if (by.kind === 'staff') authorizeStaff(by.role, 'help:publish');
  else if (by.kind !== 'cli') throw forbidden();
}

/** What a schedule row keeps of who made it. */
export function scheduleCreator(by: Principal): { created_by_staff_id: string | null; created_by_label: string } {
  if (by.kind === 'staff') return { created_by_staff_id: by.staffId, created_by_label: by.email };
  if (by.kind === 'cli') return { created_by_staff_id: null, created_by_label: by.label };
  throw forbidden();
}

/**
 * The principal a due schedule acts as: the staff member who scheduled it, as
 * they are now (a role changed or an account disabled since is seen here),
 * with no address (the server acts, not their browser). Null when that
 * person can no longer publish: the schedule fails, it is not run with
 * someone else's rights.
 */
export async function schedulePrincipal(
  trx: Transaction<Database>,
  row: { created_by_staff_id: string | null; created_by_label: string },
): Promise<Principal | null> {
  if (row.created_by_staff_id === null) return { kind: 'cli', label: row.created_by_label };
  const s = await trx.selectFrom('staff').select(['id', 'name', 'email', 'role', 'disabled_at']).where('id', '=', row.created_by_staff_id).executeTakeFirst();
  if (!s || s.disabled_at !== null) return null;
  const p: Principal = { kind: 'staff', staffId: s.id, name: s.name, email: s.email, role: s.role, ip: null };
  try {
    authorizeSchedule(p);
  } catch {
    return null;
  }
  return p;
}
