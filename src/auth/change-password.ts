import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { ValidationError } from '../errors.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { passwordChangedMail } from '../mail/templates/password-changed-mail.tsx';
import { newPasswordErrors } from './new-password.ts';
import { createSession, revokeUserSessions } from './session.ts';
import type { LoadedSession } from './session.ts';

export interface ChangePasswordInput {
  current: string;
  next: string;
  repeat: string;
  ip: string;
  userAgent: string | null;
}

/**
 * Replace the password of the signed-in user (also the forced change after a
 * temporary password). Every session of the user ends, the current one
 * included, and a fresh session is returned so the person stays signed in.
 */
export async function changePassword(deps: Deps, session: LoadedSession, input: ChangePasswordInput): Promise<string> {
  const { db, clock, hasher, config } = deps;
  const { user, customer } = session;
  const errors = newPasswordErrors(input.next, input.repeat, { rut: customer.rut, email: user.email, customerName: customer.name, userName: user.name }, config.brand);
  if (input.current === '') errors.currentPassword = 'Ingrese su clave actual.';
  else if (!(await hasher.verify(user.password_hash, input.current))) errors.currentPassword = 'La clave actual no es correcta.';
  if (!errors.newPassword && input.current !== '' && input.next === input.current) errors.newPassword = 'La nueva clave debe ser distinta de la actual.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);

  const now = clock.now();
  if (user.must_change_password && user.temp_password_expires_at && user.temp_password_expires_at <= now.toISOString()) {
    throw new ValidationError({ currentPassword: 'Su clave temporal venció. Pida a su administrador que le envíe nuevas credenciales.' });
  }
  const hash = await hasher.hash(input.next);
  const token = await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, must_change_password: 0, temp_password_expires_at: null, password_changed_at: now.toISOString() })
      .where('id', '=', user.id)
      .execute();
    await revokeUserSessions(trx, user.id);
    await trx.deleteFrom('password_resets').where('user_id', '=', user.id).execute();
    await recordAuditEvent(trx, {
      action: 'password.changed', at: now, actorUserId: user.id, actorLabel: user.email, customerId: customer.id,
      targetUserId: user.id, targetLabel: user.email, ip: input.ip, detail: { firstSignIn: user.must_change_password === 1 },
    });
    await enqueueMail(trx, passwordChangedMail({ brand: config.brand, to: user.email, name: user.name, at: now, portalUrl: config.publicUrl }), now);
    return createSession(trx, user.id, now, { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs }, input);
  });
  deps.mailQueued();
  return token;
}
