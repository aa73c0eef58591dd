import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { temporaryPasswordExpired } from '../domain/temporary-password-expiry.ts';
import { AppError, ValidationError } from '../errors.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { passwordChangedMail } from '../mail/templates/password-changed-mail.tsx';
import { setPassword } from './credentials.ts';
import { knownDevice } from './known-device.ts';
import { newPasswordErrors } from './new-password.ts';
import { accountId, verifyPasswordAttempt } from './password-attempt.ts';
import { createSession } from './session.ts';
import type { LoadedSession } from './session.ts';

export interface ChangePasswordInput {
  current: string;
  next: string;
  repeat: string;
  ip: string;
  userAgent: string | null;
  deviceToken: string | null;
}

export const CURRENT_PASSWORD_THROTTLED =
  'Hubo demasiados intentos con una clave actual incorrecta. Espere unos minutos y vuelva a intentarlo, o use «¿Olvidó su contraseña?» al salir.';
export const PASSWORD_CHANGED_MEANWHILE =
  'Su clave acaba de cambiar en otra ventana o equipo, así que este formulario ya no vale. Ingrese de nuevo con la clave nueva.';

/**
 * Replace the password of the signed-in user (also the forced change after a
 * temporary password). The current password is checked through the same
 * throttle as sign-in: a session is no licence to guess. The new hash
 * replaces exactly the one that was verified, so of two submissions at once
 * one wins and the other is told. Every session of the user ends, the
 * current one included, and a fresh session is returned.
 */
export async function changePassword(deps: Deps, session: LoadedSession, input: ChangePasswordInput): Promise<string> {
  const { db, clock, hasher, config } = deps;
  const { user, customer } = session;
  const now = clock.now();
  const errors = newPasswordErrors(input.next, input.repeat, { rut: customer.rut, email: user.email, customerName: customer.name, userName: user.name }, config.brand);
  if (input.current === '') errors.currentPassword = 'Ingrese su clave actual.';
  else {
    const device = await knownDevice(db, input.deviceToken, user.id);
    const attempt = await verifyPasswordAttempt(deps, accountId(customer.rut, user.email), { ip: input.ip, knownDevice: device }, user.password_hash, input.current);
    if (attempt.outcome !== 'ok') errors.currentPassword = attempt.outcome === 'throttled' ? CURRENT_PASSWORD_THROTTLED : 'La clave actual no es correcta.';
    // Every wrong guess is audited; refusals once a minute with their count.
    const detail = attempt.outcome === 'wrong' ? { why: 'wrong-current-password' } : attempt.outcome === 'throttled' && attempt.report !== null ? { why: 'throttled', refused: attempt.report } : null;
    if (detail) {
      await recordAuditEvent(db, {
        action: 'password.change-failed', at: now, actorUserId: user.id, actorLabel: user.email, customerId: customer.id,
        targetUserId: user.id, targetLabel: user.email, ip: input.ip, detail,
      });
    }
  }
  if (!errors.newPassword && input.current !== '' && input.next === input.current) errors.newPassword = 'La nueva clave debe ser distinta de la actual.';
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);

  if (temporaryPasswordExpired(user, now)) {
    throw new ValidationError({ currentPassword: 'Su clave temporal venció. Pida a su administrador que le envíe nuevas credenciales.' });
  }
  const hash = await hasher.hash(input.next);
  const token = await db.transaction().execute(async (trx) => {
    if (!(await setPassword(trx, user.id, hash, now, user.password_hash))) throw passwordChangedMeanwhile();
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

export const passwordChangedMeanwhile = () => new AppError(409, 'password-changed-meanwhile', PASSWORD_CHANGED_MEANWHILE);
