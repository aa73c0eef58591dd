import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { isDeviceToken } from '../auth/known-device.ts';
import { refusedFromMemory, verifyPasswordAttempt } from '../auth/password-attempt.ts';
import { staffAccountId } from './staff-credentials.ts';
import { rememberStaffDevice, staffKnownDevice } from './staff-known-device.ts';
import { restartTotpEnrolment } from './enrol-totp.ts';
import { createStaffSession } from './staff-session.ts';

export interface StaffSignInInput {
  email: string; // lower-cased
  password: string;
  ip: string;
  userAgent: string | null;
  /** The browser's staff_device cookie, if it sent one. */
  deviceToken: string | null;
}

/** `outcome`: what happened, for /metrics; the page says the same for both. */
export type StaffSignInResult = { ok: true; token: string; deviceToken: string; enrolled: boolean } | { ok: false; outcome: 'wrong-credentials' | 'throttled' };

/**
 * The console's first step, with the customers' throttle and timing
 * (auth/sign-in.ts): every failure (unknown e-mail, wrong password, not yet
 * accepted, disabled, throttled) answers the same after the same delay. A
 * right password opens a half-open session: the second factor is still owed.
 */
export async function staffSignIn(deps: Deps, input: StaffSignInInput): Promise<StaffSignInResult> {
  const { db, clock, config } = deps;
  const started = performance.now();
  const now = clock.now();
  const early = isDeviceToken(input.deviceToken) ? null : await refusedFromMemory(deps, input.ip, now);
  if (early) return refuse(deps, input, now, started, early.report);

  const staff = await db
    .selectFrom('staff')
    .select(['id', 'email', 'password_hash', 'disabled_at', 'totp_enrolled_at'])
    .where('email', '=', input.email)
    .executeTakeFirst();
  const usable = Boolean(staff && staff.password_hash && !staff.disabled_at);
  const device = await staffKnownDevice(db, input.deviceToken, staff?.id);
  const attempt = await verifyPasswordAttempt(deps, staffAccountId(input.email), { ip: input.ip, knownDevice: device }, staff?.password_hash ?? null, input.password, usable);
  if (attempt.outcome === 'throttled') return refuse(deps, input, now, started, attempt.report);

  if (!staff || attempt.outcome === 'wrong' || !usable) {
    const why = !staff ? 'unknown-account' : !staff.password_hash ? 'invitation-pending' : attempt.outcome === 'wrong' ? 'wrong-password' : 'disabled';
    await recordAuditEvent(db, {
      action: 'staff.sign-in.failed', at: now, actorKind: 'anonymous', actorUserId: null, actorStaffId: staff?.id ?? null, actorLabel: input.email,
      customerId: null, ip: input.ip, detail: { why },
    });
    await padTo(started, config.signInFailureDelayMs);
    return { ok: false, outcome: 'wrong-credentials' };
  }

  const result = await db.transaction().execute(async (trx) => {
    await trx.updateTable('staff').set({ last_sign_in_at: now.toISOString() }).where('id', '=', staff.id).execute();
    if (staff.totp_enrolled_at === null) await restartTotpEnrolment(trx, staff.id);
    await recordAuditEvent(trx, {
      action: 'staff.sign-in.ok', at: now, actorKind: 'staff', actorUserId: null, actorStaffId: staff.id, actorLabel: staff.email,
      customerId: null, ip: input.ip, detail: { secondFactor: 'owed' },
    });
    return {
      deviceToken: await rememberStaffDevice(trx, input.deviceToken, staff.id, now),
      token: await createStaffSession(trx, staff.id, now, { idleMs: config.staffSessionIdleMs, absoluteMs: config.staffSessionAbsoluteMs }, { ip: input.ip, userAgent: input.userAgent }),
    };
  });
  return { ok: true, ...result, enrolled: staff.totp_enrolled_at !== null };
}

async function refuse(deps: Deps, input: StaffSignInInput, now: Date, started: number, report: number | null): Promise<StaffSignInResult> {
  if (report !== null) {
    await recordAuditEvent(deps.db, {
      action: 'staff.sign-in.throttled', at: now, actorKind: 'anonymous', actorUserId: null, actorLabel: input.email, customerId: null, ip: input.ip,
      detail: { refused: report },
    });
  }
  await padTo(started, Math.max(deps.config.signInFailureDelayMs, deps.hasher.expectedVerifyMs()));
  return { ok: false, outcome: 'throttled' };
}

async function padTo(startedAt: number, ms: number): Promise<void> {
  const left = ms - (performance.now() - startedAt);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
}
