import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { replaceRecoveryCodes } from './recovery-codes.ts';
import { claimTotpStep, throttledCodeAttempt, type CodeOutcome } from './second-factor.ts';
import { completeSecondFactor, type LoadedStaffSession } from './staff-session.ts';
import { matchingStep, newTotpSecret } from './totp.ts';

/**
 * The secret being enrolled: the one already drawn for this staff member
 * while enrolment is unfinished (a reload shows the same QR code the phone
 * may have scanned), or a new one. Null once enrolled: the secret is never
 * shown again.
 */
export async function pendingTotpSecret(deps: Deps, staffId: string): Promise<string | null> {
  const { db } = deps;
  const row = await db.selectFrom('staff').select(['totp_secret', 'totp_enrolled_at']).where('id', '=', staffId).executeTakeFirst();
  if (!row || row.totp_enrolled_at) return null;
  if (row.totp_secret) return row.totp_secret;
  const secret = newTotpSecret();
  // Two first visits at once agree on one secret: the second write finds one set and reads it back.
  await db.updateTable('staff').set({ totp_secret: secret }).where('id', '=', staffId).where('totp_secret', 'is', null).where('totp_enrolled_at', 'is', null).execute();
  const after = await db.selectFrom('staff').select(['totp_secret', 'totp_enrolled_at']).where('id', '=', staffId).executeTakeFirst();
  return after && !after.totp_enrolled_at ? after.totp_secret : null;
}

/**
 * The first code from the phone confirms the enrolment: the secret is
 * trusted from then on, ten recovery codes replace any earlier ones, and
 * the session has its second factor (under a new token). Returns the
 * recovery codes, to be shown this once, and the session's new token.
 * Throttled like every code.
 */
export async function confirmTotpEnrolment(deps: Deps, session: LoadedStaffSession, code: string, ip: string | null): Promise<CodeOutcome<{ recoveryCodes: string[]; token: string }>> {
  const { db, clock } = deps;
  const { staff } = session;
  return throttledCodeAttempt(deps, { staffId: staff.id, email: staff.email, ip, purpose: 'enrolment' }, async () => {
    const now = clock.now();
    const row = await db.selectFrom('staff').select(['totp_secret', 'totp_enrolled_at']).where('id', '=', staff.id).executeTakeFirst();
    if (!row?.totp_secret || row.totp_enrolled_at) return { ok: false, why: 'not-enrolling' };
    const step = matchingStep(row.totp_secret, code.replace(/\s/g, ''), now);
    if (step === null) return { ok: false, why: 'wrong-code' };
    const secret = row.totp_secret;
    return db.transaction().execute(async (trx) => {
      const enrolled = await trx
        .updateTable('staff')
        .set({ totp_enrolled_at: now.toISOString() })
        .where('id', '=', staff.id)
        .where('totp_enrolled_at', 'is', null)
        .where('totp_secret', '=', secret)
        .executeTakeFirst();
      if (Number(enrolled.numUpdatedRows) !== 1 || !(await claimTotpStep(trx, staff.id, step))) return { ok: false as const, why: 'enrolled-meanwhile' };
      const recoveryCodes = await replaceRecoveryCodes(trx, staff.id, now);
      const token = await completeSecondFactor(trx, session.id, now);
      await recordAuditEvent(trx, {
        action: 'staff.mfa-enrolled', at: now, actorKind: 'staff', actorUserId: null, actorStaffId: staff.id, actorLabel: staff.email, customerId: null, ip,
        detail: { method: 'totp', recoveryCodes: recoveryCodes.length },
      });
      return { ok: true as const, value: { recoveryCodes, token } };
    });
  });
}
