import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { temporaryPasswordExpired } from '../domain/temporary-password-expiry.ts';
import { recordSignIn } from './credentials.ts';
import { isDeviceToken, knownDevice, rememberDevice } from './known-device.ts';
import { accountId, refusedFromMemory, verifyPasswordAttempt } from './password-attempt.ts';
import { createSession } from './session.ts';

export interface SignInInput {
  rut: string; // canonical
  email: string; // lower-cased
  password: string;
  ip: string;
  userAgent: string | null;
  /** The browser's known-device cookie, if it sent one. */
  deviceToken: string | null;
}

export type SignInResult =
  | { ok: true; token: string; deviceToken: string; mustChangePassword: boolean; role: 'admin' | 'technical' }
  /** `outcome`: what happened, for /metrics; the page shows `reason` alone (one message for every "invalid"). */
  | { ok: false; reason: 'invalid' | 'temporary-expired'; outcome: 'wrong-credentials' | 'throttled' | 'temporary-expired' };

/**
 * Checks the credentials. Every failure that could reveal whether an account
 * exists (unknown RUT or e-mail, wrong password, disabled, throttled) answers
 * 'invalid' after about the same time as a real verify would take now, and
 * never sooner than the configured failure delay: a guesser's connection
 * gets at most one answer per delay, so refusing an attack costs the portal
 * little CPU however many requests it sends. Only a person who typed the
 * right temporary password learns it has expired.
 */
export async function signIn(deps: Deps, input: SignInInput): Promise<SignInResult> {
  const { db, clock, config } = deps;
  const started = performance.now();
  const now = clock.now();

  // An address held back, and no known device to speak for the browser: refused before any lookup.
  const early = isDeviceToken(input.deviceToken) ? null : await refusedFromMemory(deps, input.ip, now);
  if (early) return refuse(deps, input, now, started, early.report);

  const user = await db
    .selectFrom('users')
    .innerJoin('customers', 'customers.id', 'users.customer_id')
    .select([
      'users.id', 'users.customer_id', 'users.password_hash', 'users.role', 'users.must_change_password',
      'users.temp_password_expires_at', 'users.disabled_at', 'customers.disabled_at as customer_disabled_at',
    ])
    .where('customers.rut', '=', input.rut)
    .where('users.email', '=', input.email)
    .executeTakeFirst();
  const usable = Boolean(user && !user.disabled_at && !user.customer_disabled_at);
  const device = await knownDevice(db, input.deviceToken, user?.id);
  const attempt = await verifyPasswordAttempt(deps, accountId(input.rut, input.email), { ip: input.ip, knownDevice: device }, user?.password_hash ?? null, input.password, usable);

  if (attempt.outcome === 'throttled') return refuse(deps, input, now, started, attempt.report);

  if (!user || attempt.outcome === 'wrong' || !usable) {
    await recordAuditEvent(db, {
      action: 'sign-in.failed', at: now, actorUserId: user?.id ?? null, actorLabel: input.email,
      customerId: user?.customer_id ?? null, ip: input.ip,
      detail: { rut: input.rut, why: !user ? 'unknown-account' : attempt.outcome === 'wrong' ? 'wrong-password' : 'disabled' },
    });
    await padTo(started, config.signInFailureDelayMs);
    return { ok: false, reason: 'invalid', outcome: 'wrong-credentials' };
  }

  if (temporaryPasswordExpired(user, now)) {
    await recordAuditEvent(db, {
      action: 'sign-in.failed', at: now, actorUserId: user.id, actorLabel: input.email, customerId: user.customer_id, ip: input.ip,
      detail: { rut: input.rut, why: 'temporary-password-expired' },
    });
    return { ok: false, reason: 'temporary-expired', outcome: 'temporary-expired' };
  }

  const { token, deviceToken } = await db.transaction().execute(async (trx) => {
    await recordSignIn(trx, user.id, now);
    await recordAuditEvent(trx, {
      action: 'sign-in.ok', at: now, actorUserId: user.id, actorLabel: input.email, customerId: user.customer_id, ip: input.ip,
    });
    return {
      deviceToken: await rememberDevice(trx, input.deviceToken, user.id, now),
      token: await createSession(trx, user.id, now, { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs }, input),
    };
  });
  return { ok: true, token, deviceToken, mustChangePassword: user.must_change_password === 1, role: user.role };
}

/** A throttled attempt: audited once a minute per key with its count, answered like any failure. */
async function refuse(deps: Deps, input: SignInInput, now: Date, started: number, report: number | null): Promise<SignInResult> {
  if (report !== null) {
    await recordAuditEvent(deps.db, {
      action: 'sign-in.throttled', at: now, actorUserId: null, actorLabel: input.email, customerId: null, ip: input.ip,
      detail: { rut: input.rut, refused: report },
    });
  }
  // Same timing as a real attempt at this moment, without spending a hash on it.
  await padTo(started, Math.max(deps.config.signInFailureDelayMs, deps.hasher.expectedVerifyMs()));
  return { ok: false, reason: 'invalid', outcome: 'throttled' };
}

async function padTo(startedAt: number, ms: number): Promise<void> {
  const left = ms - (performance.now() - startedAt);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}
