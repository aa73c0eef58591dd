import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { revokeUserSessions } from '../auth/session.ts';
import { generateTemporaryPassword } from '../auth/temporary-password.ts';
import { AppError } from '../errors.ts';
import { findManagedUser } from './find-managed-user.ts';
import type { Actor } from './invite-technical-user.ts';
import { issueCredentials } from './issue-credentials.ts';

// What an administrator may do to the technical users of their customer.
// Administrators themselves are managed by the vendor (operator CLI).

async function technicalUser(deps: Deps, actor: Actor, userId: string) {
  const user = await findManagedUser(deps.db, actor.customer.id, userId);
  if (user.role !== 'technical') throw new AppError(403, 'not-technical', 'Sólo puede administrar usuarios con perfil técnico.');
  return user;
}

export async function resendCredentials(deps: Deps, actor: Actor, userId: string): Promise<{ email: string }> {
  const user = await technicalUser(deps, actor, userId);
  if (user.disabled_at) throw new AppError(409, 'user-disabled', 'El usuario está deshabilitado. Habilítelo antes de reenviar sus credenciales.');
  const temporary = generateTemporaryPassword();
  const hash = await deps.hasher.hash(temporary);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await issueCredentials(trx, deps.config, { userId: user.id, email: user.email, name: user.name, role: 'technical', customer: actor.customer }, hash, temporary, actor.name, now, true);
    await recordAuditEvent(trx, {
      action: 'user.credentials-resent', at: now, actorUserId: actor.userId, actorLabel: actor.email, customerId: actor.customer.id,
      targetUserId: user.id, targetLabel: user.email, ip: actor.ip,
    });
  });
  deps.mailQueued();
  return { email: user.email };
}

export async function setTechnicalUserDisabled(deps: Deps, actor: Actor, userId: string, disabled: boolean): Promise<{ email: string }> {
  const user = await technicalUser(deps, actor, userId);
  const now = deps.clock.now();
  if (Boolean(user.disabled_at) === disabled) return { email: user.email };
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ disabled_at: disabled ? now.toISOString() : null }).where('id', '=', user.id).execute();
    if (disabled) {
      await revokeUserSessions(trx, user.id);
      await trx.deleteFrom('password_resets').where('user_id', '=', user.id).execute();
    }
    await recordAuditEvent(trx, {
      action: disabled ? 'user.disabled' : 'user.enabled', at: now, actorUserId: actor.userId, actorLabel: actor.email,
      customerId: actor.customer.id, targetUserId: user.id, targetLabel: user.email, ip: actor.ip,
    });
  });
  return { email: user.email };
}

export async function deleteTechnicalUser(deps: Deps, actor: Actor, userId: string): Promise<{ email: string }> {
  const user = await technicalUser(deps, actor, userId);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    // Sessions and reset links go with the user (ON DELETE CASCADE); the audit
    // trail keeps the e-mail as text.
    await trx.deleteFrom('users').where('id', '=', user.id).execute();
    await recordAuditEvent(trx, {
      action: 'user.deleted', at: now, actorUserId: actor.userId, actorLabel: actor.email, customerId: actor.customer.id,
      targetUserId: user.id, targetLabel: user.email, ip: actor.ip, detail: { name: user.name },
    });
  });
  return { email: user.email };
}
