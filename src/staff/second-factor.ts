import type { Kysely } from 'kysely';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { clearKey, countRefusal, reserveAttempt, type ThrottleKey } from '../auth/throttle.ts';
import { consumeRecoveryCode, normaliseRecoveryCode, remainingRecoveryCodes } from './recovery-codes.ts';
import { completeSecondFactor, markSecondFactor, type LoadedStaffSession } from './staff-session.ts';
import { looksLikeTotpCode, matchingStep } from './totp.ts';

/**
 * Codes (TOTP or recovery) are throttled like passwords: 5 free per staff
 * member, then 1 s, 2 s, 4 s … up to 15 min, reserved before the code is
 * checked, so parallel guesses get the allowance and no more. Only someone
 * who already passed the password reaches this, so the key is per staff
 * member alone.
 */
export const FREE_CODE_ATTEMPTS = 5;
export const codeThrottleKey = (staffId: string): ThrottleKey => ({ key: `staff-mfa:${staffId}`, account: null, free: FREE_CODE_ATTEMPTS });

export type CodeCheck<T> = { ok: true; value: T } | { ok: false; why: string };
export type CodeOutcome<T> = { ok: true; value: T } | { ok: false; reason: 'wrong' | 'throttled' };

/** Run one code check under the staff member's code throttle; a wrong code is audited (refusals once a minute). */
export async function throttledCodeAttempt<T>(
  deps: Deps,
  who: { staffId: string; email: string; ip: string | null; purpose: string },
  check: () => Promise<CodeCheck<T>>,
): Promise<CodeOutcome<T>> {
  const { db, clock } = deps;
  const now = clock.now();
  const key = codeThrottleKey(who.staffId);
  const audit = (detail: Record<string, unknown>) =>
    recordAuditEvent(db, {
      action: 'staff.second-factor.failed', at: now, actorKind: 'staff', actorUserId: null, actorStaffId: who.staffId, actorLabel: who.email,
      customerId: null, ip: who.ip, detail: { purpose: who.purpose, ...detail },
    });
  const reservation = await reserveAttempt(db, [key], now);
  if (!reservation.ok) {
    deps.metrics.throttles.refused(key.key);
    const report = await countRefusal(db, key.key, now);
    if (report !== null) await audit({ why: 'throttled', refused: report });
    return { ok: false, reason: 'throttled' };
  }
  const r = await check();
  if (!r.ok) {
    await audit({ why: r.why });
    return { ok: false, reason: 'wrong' };
  }
  await clearKey(db, key.key);
  return r;
}

/**
 * Accept a TOTP code only for a step later than the last one accepted: the
 * compare-and-swap admits one of two submissions of the same code, and a
 * code seen by a shoulder-surfer is spent once its owner used it.
 */
export async function claimTotpStep(trx: Kysely<Database>, staffId: string, step: number): Promise<boolean> {
  const r = await trx
    .updateTable('staff')
    .set({ totp_last_step: step })
    .where('id', '=', staffId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** `token`: the session's new token when this completed a sign-in (the cookie must change), null at a step-up. */
export type SecondFactorResult =
  | ({ ok: true; token: string | null } & ({ via: 'totp' } | { via: 'recovery'; remaining: number }))
  | { ok: false; reason: 'wrong' | 'throttled' };

/**
 * The second factor for an enrolled staff member's session, at sign-in or
 * as a step-up: a TOTP code (±1 step) or a recovery code (spent). On
 * success the session's second_factor_at is now, in the same transaction as
 * the code being spent and the audit row; at sign-in it also gets a new token.
 */
export async function giveSecondFactor(deps: Deps, session: LoadedStaffSession, typed: string, ip: string | null): Promise<SecondFactorResult> {
  const { db, clock } = deps;
  const { staff } = session;
  const stepUp = session.secondFactorAt !== null;
  const code = typed.replace(/\s/g, '');
  const outcome = await throttledCodeAttempt<SecondFactorResult & { ok: true }>(deps, { staffId: staff.id, email: staff.email, ip, purpose: stepUp ? 'step-up' : 'sign-in' }, async () => {
    const now = clock.now();
    const row = await db.selectFrom('staff').select(['totp_secret', 'totp_enrolled_at']).where('id', '=', staff.id).executeTakeFirst();
    if (!row?.totp_secret || !row.totp_enrolled_at) return { ok: false, why: 'not-enrolled' };
    const recovery = looksLikeTotpCode(code) ? null : normaliseRecoveryCode(code);
    const step = recovery ? null : matchingStep(row.totp_secret, code, now);
    if (!recovery && step === null) return { ok: false, why: 'wrong-code' };
    return db.transaction().execute(async (trx): Promise<CodeCheck<SecondFactorResult & { ok: true }>> => {
      const base = { at: now, actorKind: 'staff' as const, actorUserId: null, actorStaffId: staff.id, actorLabel: staff.email, customerId: null, ip };
      let result: SecondFactorResult & { ok: true };
      if (recovery) {
        if (!(await consumeRecoveryCode(trx, staff.id, recovery, now))) return { ok: false, why: 'wrong-recovery-code' };
        result = { ok: true, token: null, via: 'recovery', remaining: await remainingRecoveryCodes(trx, staff.id) };
        await recordAuditEvent(trx, { ...base, action: 'staff.recovery-code-used', detail: { remaining: result.remaining } });
      } else {
        if (!(await claimTotpStep(trx, staff.id, step!))) return { ok: false, why: 'replay' };
        result = { ok: true, token: null, via: 'totp' };
      }
      if (stepUp) await markSecondFactor(trx, session.id, now);
      else result.token = await completeSecondFactor(trx, session.id, now);
      await recordAuditEvent(trx, { ...base, action: stepUp ? 'staff.step-up' : 'staff.second-factor.ok', detail: { via: result.via } });
      return { ok: true, value: result };
    });
  });
  return outcome.ok ? outcome.value : outcome;
}
