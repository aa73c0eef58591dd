import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { createSession } from './session.ts';
import { accountKey, addressKey, clearFailures, isThrottled, recordFailure } from './throttle.ts';

export interface SignInInput {
  rut: string; // canonical
  email: string; // lower-cased
  password: string;
  ip: string;
  userAgent: string | null;
}

export type SignInResult =
  | { ok: true; token: string; mustChangePassword: boolean; role: 'admin' | 'technical' }
  | { ok: false; reason: 'invalid' | 'throttled' | 'temporary-expired' };

/**
 * Checks the credentials. Every failure that could reveal whether an account
 * exists (unknown RUT or e-mail, wrong password, disabled, throttled) answers
 * 'invalid'/'throttled' after about the same time as a real verify. Only a
 * person who typed the right temporary password learns it has expired.
 */
export async function signIn(deps: Deps, input: SignInInput): Promise<SignInResult> {
  const { db, clock, hasher, config } = deps;
  const started = performance.now();
  const now = clock.now();
  const keys = [accountKey('sign-in', input.rut, input.email), addressKey('sign-in', input.ip)];

  if (await isThrottled(db, keys, now)) {
    await recordAuditEvent(db, {
      action: 'sign-in.throttled', at: now, actorUserId: null, actorLabel: input.email, customerId: null, ip: input.ip,
      detail: { rut: input.rut },
    });
    // Same timing as a real attempt, without spending a hash on it.
    await padTo(started, hasher.typicalVerifyMs());
    return { ok: false, reason: 'invalid' };
  }

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

  const passwordOk = user ? await hasher.verify(user.password_hash, input.password) : await hasher.verifyNothing(input.password);
  const usable = user && passwordOk && !user.disabled_at && !user.customer_disabled_at;

  if (!usable) {
    await db.transaction().execute(async (trx) => {
      await recordFailure(trx, keys, now);
      await recordAuditEvent(trx, {
        action: 'sign-in.failed', at: now, actorUserId: user?.id ?? null, actorLabel: input.email,
        customerId: user?.customer_id ?? null, ip: input.ip,
        detail: { rut: input.rut, why: !user ? 'unknown-account' : !passwordOk ? 'wrong-password' : 'disabled' },
      });
    });
    return { ok: false, reason: 'invalid' };
  }

  if (user.must_change_password && user.temp_password_expires_at && user.temp_password_expires_at <= now.toISOString()) {
    await recordAuditEvent(db, {
      action: 'sign-in.failed', at: now, actorUserId: user.id, actorLabel: input.email, customerId: user.customer_id, ip: input.ip,
      detail: { rut: input.rut, why: 'temporary-password-expired' },
    });
    return { ok: false, reason: 'temporary-expired' };
  }

  const token = await db.transaction().execute(async (trx) => {
    await clearFailures(trx, keys[0]!);
    await trx.updateTable('users').set({ last_sign_in_at: now.toISOString() }).where('id', '=', user.id).execute();
    await recordAuditEvent(trx, {
      action: 'sign-in.ok', at: now, actorUserId: user.id, actorLabel: input.email, customerId: user.customer_id, ip: input.ip,
    });
    return createSession(trx, user.id, now, { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs }, input);
  });
  return { ok: true, token, mustChangePassword: user.must_change_password === 1, role: user.role };
}

async function padTo(startedAt: number, ms: number): Promise<void> {
  const left = ms - (performance.now() - startedAt);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}
