import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/schema.ts';
import { AppError, forbidden } from '../errors.ts';
import { staffCan } from '../policies/staff-policy.ts';
import { findStaffById, type StaffRow } from './find-staff.ts';

export type StaffTarget = StaffRow;

/**
 * Serialise every change that could take away an administrator: a no-op
 * update of the active administrators' rows takes their row locks on
 * PostgreSQL (SQLite's write transaction already excludes every other
 * writer). Two administrators demoting or disabling each other at once then
 * run one after the other, and the second re-reads what the first left: it
 * finds its own role gone, or itself the last administrator, and stops.
 * The rows are locked in one statement in one order, so two of these never
 * wait on each other in a circle.
 */
export async function lockActiveAdmins(trx: Kysely<Database>): Promise<void> {
  await trx.updateTable('staff').set((eb) => ({ role: eb.ref('role') })).where('role', '=', 'admin').where('disabled_at', 'is', null).execute();
}

/** The staff member to change: read inside the transaction, after lockActiveAdmins, so it is what the lock holder left. */
export const loadStaffTarget = (trx: Kysely<Database>, staffId: string): Promise<StaffTarget> => findStaffById(trx, staffId);

/**
 * The actor's permission, read again inside the transaction: the session
 * said "admin" when the request began, but a concurrent request may have
 * demoted or disabled them since. The operator's terminal is always trusted.
 */
export async function assertStillStaffManager(trx: Kysely<Database>, actor: Principal): Promise<void> {
  if (actor.kind === 'cli') return;
  if (actor.kind !== 'staff') throw forbidden();
  const me = await trx.selectFrom('staff').select(['role', 'disabled_at']).where('id', '=', actor.staffId).executeTakeFirst();
  if (!me || me.disabled_at !== null || !staffCan(me.role, 'staff:manage')) throw forbidden();
}

/** An administrator cannot disable or demote themself: another administrator has to (so there is always a witness). */
export function assertNotSelf(actor: Principal, target: StaffTarget, doing: 'disable' | 'change-role'): void {
  if (actor.kind === 'staff' && actor.staffId === target.id) {
    throw new AppError(
      409,
      'staff-self',
      doing === 'disable' ? 'No puede deshabilitar su propia cuenta: pídaselo a otro administrador.' : 'No puede cambiar su propio rol: pídaselo a otro administrador.',
    );
  }
}

/** Refuse when the target is the last active administrator; call after lockActiveAdmins. */
export async function assertNotLastActiveAdmin(trx: Kysely<Database>, target: StaffTarget, doing: 'disable' | 'change-role'): Promise<void> {
  if (target.role !== 'admin' || target.disabled_at !== null) return;
  const other = await trx
    .selectFrom('staff')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .where('password_hash', 'is not', null)
    .where('id', '!=', target.id)
    .executeTakeFirst();
  if (other) return;
  throw new AppError(
    409,
    'last-staff-admin',
    `No se puede ${doing === 'disable' ? 'deshabilitar' : 'quitar el rol de administrador'} a ${target.name}: es el único administrador activo y nadie podría administrar al personal. Nombre antes a otro administrador.`,
  );
}
