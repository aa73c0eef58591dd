import type { Kysely } from 'kysely';
import type { Deps } from '../deps.ts';
import type { Database } from '../db/schema.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { replaceRecoveryCodes } from './recovery-codes.ts';
import { claimTotpStep, throttledCodeAttempt, type CodeOutcome } from './second-factor.ts';
import { completeSecondFactor, revokeStaffSessions, type LoadedStaffSession } from './staff-session.ts';
import { matchingStep, newTotpSecret } from './totp.ts';

/**
 * The secret being enrolled in this session: the one it already drew while
 * enrolment is unfinished (a reload shows the same QR code the phone may
 * have scanned), or a new one. Null once enrolled: the secret is never
 * shown again.
 *
 * The secret belongs to one sign-in: every password sign-in of a member
 * not yet enrolled clears it and ends the other sessions
 * (restartTotpEnrolment), and it is read and written here only together
 * with this session's row, in one statement. So a session ended by a later
 * sign-in can neither read the secret drawn after it nor write one: someone
 * with the password never sees the secret the owner's phone is scanning.
 */
export async function pendingTotpSecret(deps: Deps, session: EnrollingSession): Promise<string | null> {
  const { db } = deps;
  const drawn = await drawnTotpSecret(db, session);
  if (drawn !== undefined) return drawn;
  // Two first visits at once agree on one secret: the second write finds one set and reads it back.
  await db
    .updateTable('staff')
    .set({ totp_secret: newTotpSecret() })
    .where('id', '=', session.staff.id)
    .where('totp_secret', 'is', null)
    .where('totp_enrolled_at', 'is', null)
    .where((eb) => eb.exists(eb.selectFrom('staff_sessions').select('staff_sessions.id').where('staff_sessions.id', '=', session.id)))
    .execute();
  return (await drawnTotpSecret(db, session)) ?? null;
}

type EnrollingSession = Pick<LoadedStaffSession, 'id' | 'staff'>;

/** The secret this session drew (undefined: none yet), or null when enrolled or the session is gone; one statement. */
async function drawnTotpSecret(db: Kysely<Database>, session: EnrollingSession): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('staff')
    .innerJoin('staff_sessions', 'staff_sessions.staff_id', 'staff.id')
    .select(['staff.totp_secret', 'staff.totp_enrolled_at'])
    .where('staff.id', '=', session.staff.id)
    .where('staff_sessions.id', '=', session.id)
    .executeTakeFirst();
  if (!row || row.totp_enrolled_at) return null;
  return row.totp_secret ?? undefined;
}

/**
 * A right password for a member not yet enrolled starts the enrolment over
 * in the caller's transaction: the secret drawn so far is dropped and every
 * other session of theirs ends (they can only be enrolment sessions), so
 * one enrolment is under way at a time and the new sign-in draws its own
 * secret. Enrolled meanwhile: nothing is touched.
 */
export async function restartTotpEnrolment(trx: Kysely<Database>, staffId: string): Promise<void> {
  const r = await trx.updateTable('staff').set({ totp_secret: null }).where('id', '=', staffId).where('totp_enrolled_at', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) await revokeStaffSessions(trx, staffId);
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
    const secret = await drawnTotpSecret(db, session);
    if (!secret) return { ok: false, why: 'not-enrolling' };
    const step = matchingStep(secret, code.replace(/\s/g, ''), now);
    if (step === null) return { ok: false, why: 'wrong-code' };
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
