import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { AppError, ValidationError } from '../errors.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { passwordChangedMail } from '../mail/templates/password-changed-mail.tsx';
import { passwordResetMail } from '../mail/templates/password-reset-mail.tsx';
import { newPasswordErrors } from './new-password.ts';
import { setPassword } from './credentials.ts';
import { addressBlock } from '../domain/ip-address.ts';
import { accountId } from './password-attempt.ts';
import { clearAccount, reserveAttempt, type ThrottleKey } from './throttle.ts';
import { hashToken, newToken } from './token.ts';

// Reset requests are reserved like sign-in attempts, per account and per
// address: a real user's mailbox cannot be flooded, nor the outbox filled.
export const FREE_RESETS_PER_ACCOUNT = 5;
export const FREE_RESETS_PER_ADDRESS = 20;

function resetKeys(account: string, ip: string): ThrottleKey[] {
  return [
    { key: `reset:acct:${account}`, account: null, free: FREE_RESETS_PER_ACCOUNT },
    { key: `reset:ip:${addressBlock(ip)}`, account: null, free: FREE_RESETS_PER_ADDRESS },
  ];
}

/**
 * "¿Olvidó su contraseña?": the caller always shows the same answer; this
 * only sends a link when the account exists and is usable. A new link voids
 * the older ones. Requests are throttled like sign-in attempts, so the
 * mailbox of a real user cannot be flooded.
 */
export async function requestPasswordReset(deps: Deps, input: { rut: string; email: string; ip: string }): Promise<void> {
  const { db, clock, config } = deps;
  const now = clock.now();
  const reservation = await reserveAttempt(db, resetKeys(accountId(input.rut, input.email), input.ip), now);
  if (!reservation.ok) {
    deps.metrics.throttles.refused(reservation.refusedBy.key);
    return;
  }
  const user = await db
    .selectFrom('users')
    .innerJoin('customers', 'customers.id', 'users.customer_id')
    .select(['users.id', 'users.name', 'users.email', 'users.customer_id'])
    .where('customers.rut', '=', input.rut)
    .where('users.email', '=', input.email)
    .where('users.disabled_at', 'is', null)
    .where('customers.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!user) return;
  await db.transaction().execute(async (trx) => {
    const token = newToken();
    await trx.deleteFrom('password_resets').where('user_id', '=', user.id).execute();
    await trx
      .insertInto('password_resets')
      .values({ token_hash: hashToken(token), user_id: user.id, created_at: now.toISOString(), expires_at: new Date(now.getTime() + config.resetLinkMs).toISOString(), used_at: null })
      .execute();
    const link = `${config.publicUrl}/restablecer?token=${token}`;
    await enqueueMail(trx, passwordResetMail({ brand: config.brand, to: user.email, name: user.name, link, minutes: Math.round(config.resetLinkMs / 60_000) }), now);
    await recordAuditEvent(trx, {
      action: 'password.reset-requested', at: now, actorUserId: null, actorLabel: input.email, customerId: user.customer_id,
      targetUserId: user.id, targetLabel: user.email, ip: input.ip,
    });
  });
  deps.mailQueued();
}

export const resetLinkInvalid = () =>
  new AppError(410, 'reset-link-invalid', 'El enlace para crear una nueva clave ya se usó, venció o fue reemplazado por otro más reciente. Pida uno nuevo.');

/** The user a reset link belongs to, or a 410 when it is unknown, used, expired or replaced. */
export async function findResetLink(deps: Deps, token: string) {
  const row = await deps.db
    .selectFrom('password_resets')
    .innerJoin('users', 'users.id', 'password_resets.user_id')
    .innerJoin('customers', 'customers.id', 'users.customer_id')
    .select(['users.id as userId', 'users.email', 'users.name', 'users.customer_id as customerId', 'customers.rut', 'customers.name as customerName', 'password_resets.expires_at', 'password_resets.used_at', 'users.disabled_at', 'customers.disabled_at as customerDisabledAt'])
    .where('password_resets.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.used_at || row.disabled_at || row.customerDisabledAt || row.expires_at <= deps.clock.now().toISOString()) throw resetLinkInvalid();
  return row;
}

export async function resetPassword(deps: Deps, input: { token: string; next: string; repeat: string; ip: string }): Promise<void> {
  const { db, clock, hasher, config } = deps;
  const link = await findResetLink(deps, input.token);
  const errors = newPasswordErrors(input.next, input.repeat, { rut: link.rut, email: link.email, customerName: link.customerName, userName: link.name }, config.brand);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const hash = await hasher.hash(input.next);
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    // Claim the link inside the transaction: two submissions cannot both use it.
    const claimed = await trx
      .updateTable('password_resets')
      .set({ used_at: now.toISOString() })
      .where('token_hash', '=', hashToken(input.token))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw resetLinkInvalid();
    await setPassword(trx, link.userId, hash, now);
    // The owner proved who they are through their mailbox: whatever delays
    // failed attempts put on the account are lifted.
    await clearAccount(trx, accountId(link.rut, link.email));
    await recordAuditEvent(trx, {
      action: 'password.reset', at: now, actorUserId: link.userId, actorLabel: link.email, customerId: link.customerId,
      targetUserId: link.userId, targetLabel: link.email, ip: input.ip,
    });
    await enqueueMail(trx, passwordChangedMail({ brand: config.brand, to: link.email, name: link.name, at: now, portalUrl: config.publicUrl }), now);
  });
  deps.mailQueued();
}
