import type { Kysely } from 'kysely';
import type { Database, UserRole } from '../db/schema.ts';
import { revokeUserSessions } from './session.ts';

/**
 * The one owner of the users table and of what a credential change implies.
 * Every write to a user's row goes through here, so the rules hold in one
 * place: a new credential (password, temporary password, disabling) ends the
 * user's sessions and reset links; a password replaces exactly the one the
 * caller verified (compare-and-swap), so two submissions of one form cannot
 * both win. Every function takes the caller's transaction.
 */

export interface NewUserRow {
  id: string;
  customerId: string;
  email: string;
  name: string;
  role: UserRole;
  passwordHash: string;
  /** A temporary password: it must be replaced at the first sign-in, and expires. */
  temporaryUntil: Date | null;
  createdBy: string;
  now: Date;
}

export async function insertUser(trx: Kysely<Database>, u: NewUserRow): Promise<void> {
  await trx
    .insertInto('users')
    .values({
      id: u.id,
      customer_id: u.customerId,
      email: u.email,
      name: u.name,
      role: u.role,
      password_hash: u.passwordHash,
      must_change_password: u.temporaryUntil ? 1 : 0,
      temp_password_expires_at: u.temporaryUntil?.toISOString() ?? null,
      disabled_at: null,
      last_sign_in_at: null,
      password_changed_at: u.temporaryUntil ? null : u.now.toISOString(),
      created_by: u.createdBy,
      created_at: u.now.toISOString(),
    })
    .execute();
}

/** Every session and reset link of the user ends. */
export async function revokeAccess(trx: Kysely<Database>, userId: string): Promise<void> {
  await revokeUserSessions(trx, userId);
  await trx.deleteFrom('password_resets').where('user_id', '=', userId).execute();
}

/**
 * The user's own new password. With `replacing`, only if the stored hash is
 * still that one: false means another request changed it first, and nothing
 * was written. Sessions and reset links end.
 */
export async function setPassword(
  trx: Kysely<Database>,
  userId: string,
  passwordHash: string,
  now: Date,
  replacing?: string,
): Promise<boolean> {
  let q = trx
    .updateTable('users')
    .set({ password_hash: passwordHash, must_change_password: 0, temp_password_expires_at: null, password_changed_at: now.toISOString() })
    .where('id', '=', userId);
  if (replacing !== undefined) q = q.where('password_hash', '=', replacing);
  const r = await q.executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await revokeAccess(trx, userId);
  return true;
}

/** A temporary password replaces whatever the user had; the previous one and every session stop working. */
export async function setTemporaryPassword(trx: Kysely<Database>, userId: string, passwordHash: string, expiresAt: Date): Promise<void> {
  await trx
    .updateTable('users')
    .set({ password_hash: passwordHash, must_change_password: 1, temp_password_expires_at: expiresAt.toISOString() })
    .where('id', '=', userId)
    .execute();
  await revokeAccess(trx, userId);
}

/**
 * Disabling ends the user's sessions and reset links at once; enabling restores nothing but the right to sign in.
 * A compare-and-swap on the current state: false when the user was already so (two clicks at once change it once).
 */
export async function setUserDisabled(trx: Kysely<Database>, userId: string, disabled: boolean, now: Date): Promise<boolean> {
  const r = await trx
    .updateTable('users')
    .set({ disabled_at: disabled ? now.toISOString() : null })
    .where('id', '=', userId)
    .where('disabled_at', disabled ? 'is' : 'is not', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  if (disabled) await revokeAccess(trx, userId);
  return true;
}

/** Sessions, reset links, known devices and help scope go with the user (ON DELETE CASCADE). */
export async function deleteUser(trx: Kysely<Database>, userId: string): Promise<void> {
  await trx.deleteFrom('users').where('id', '=', userId).execute();
}

export async function recordSignIn(trx: Kysely<Database>, userId: string, now: Date): Promise<void> {
  await trx.updateTable('users').set({ last_sign_in_at: now.toISOString() }).where('id', '=', userId).execute();
}

/** A new role (an administrator replaced and kept as a technical user): what the person may do changes, so their sessions end. */
export async function setUserRole(trx: Kysely<Database>, userId: string, role: UserRole): Promise<void> {
  await trx.updateTable('users').set({ role }).where('id', '=', userId).execute();
  await revokeAccess(trx, userId);
}
