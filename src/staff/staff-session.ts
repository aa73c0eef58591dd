import type { Kysely } from 'kysely';
import type { Database, StaffRole } from '../db/schema.ts';
import { hashToken, newToken } from '../auth/token.ts';

/**
 * Staff sessions: their own table and cookie, 15 minutes idle and 8 hours
 * absolute by default. A session opened by a right password but without the
 * second factor yet (second_factor_at NULL) lets its holder do one thing:
 * give the second factor (or enrol it). Such a half-open session lives
 * PENDING_SECOND_FACTOR_MS at most.
 */
export interface StaffSessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export const PENDING_SECOND_FACTOR_MS = 10 * 60_000;

// As for customers: last_seen_at is written at most every this often; on a 15-minute idle limit, 30 s of slack.
const TOUCH_EVERY_MS = 30_000;

/** What the console knows of the staff member behind a session (never a hash or a secret). */
export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  /** False until TOTP is enrolled: the only pages open are the enrolment's. */
  mfaEnrolled: boolean;
}

export interface LoadedStaffSession {
  id: string;
  staff: StaffMember;
  createdAt: string;
  expiresAt: string;
  /** When the second factor was last given in this session; null while still owed. */
  secondFactorAt: string | null;
}

export async function createStaffSession(
  db: Kysely<Database>,
  staffId: string,
  now: Date,
  limits: StaffSessionLimits,
  meta: { ip: string | null; userAgent: string | null; secondFactorAt?: Date | null },
): Promise<string> {
  const token = newToken();
  await db
    .insertInto('staff_sessions')
    .values({
      id: hashToken(token),
      staff_id: staffId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + limits.absoluteMs).toISOString(),
      second_factor_at: meta.secondFactorAt ? meta.secondFactorAt.toISOString() : null,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return token;
}

/** The session for a cookie token, or null (and the row deleted) when unknown, expired, idle too long, half-open too long, or its staff member disabled. */
export async function loadStaffSession(db: Kysely<Database>, token: string, now: Date, limits: StaffSessionLimits): Promise<LoadedStaffSession | null> {
  const id = hashToken(token);
  const row = await db
    .selectFrom('staff_sessions')
    .innerJoin('staff', 'staff.id', 'staff_sessions.staff_id')
    .select([
      'staff_sessions.id', 'staff_sessions.created_at', 'staff_sessions.last_seen_at', 'staff_sessions.expires_at', 'staff_sessions.second_factor_at',
      'staff.id as staff_id', 'staff.email', 'staff.name', 'staff.role', 'staff.totp_enrolled_at', 'staff.disabled_at', 'staff.password_hash',
    ])
    .where('staff_sessions.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const nowMs = now.getTime();
  const dead =
    Date.parse(row.expires_at) <= nowMs ||
    Date.parse(row.last_seen_at) + limits.idleMs <= nowMs ||
    (row.second_factor_at === null && Date.parse(row.created_at) + PENDING_SECOND_FACTOR_MS <= nowMs) ||
    row.disabled_at !== null ||
    row.password_hash === null;
  if (dead) {
    await db.deleteFrom('staff_sessions').where('id', '=', id).execute();
    return null;
  }
  if (nowMs - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) {
    await db.updateTable('staff_sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
  }
  return {
    id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    secondFactorAt: row.second_factor_at,
    staff: { id: row.staff_id, email: row.email, name: row.name, role: row.role, mfaEnrolled: row.totp_enrolled_at !== null },
  };
}

/** The second factor was just given again in a complete session (step-up). */
export async function markSecondFactor(db: Kysely<Database>, sessionId: string, now: Date): Promise<void> {
  await db.updateTable('staff_sessions').set({ second_factor_at: now.toISOString(), last_seen_at: now.toISOString() }).where('id', '=', sessionId).execute();
}

/**
 * The second factor completes a half-open session (sign-in or enrolment):
 * the session gets a new token, as at any rise in privilege, so whoever
 * had seen the half-open one (a password's worth of access) holds nothing
 * of the full session. Returns the new token for the cookie.
 */
export async function completeSecondFactor(db: Kysely<Database>, sessionId: string, now: Date): Promise<string> {
  const token = newToken();
  await db
    .updateTable('staff_sessions')
    .set({ id: hashToken(token), second_factor_at: now.toISOString(), last_seen_at: now.toISOString() })
    .where('id', '=', sessionId)
    .execute();
  return token;
}

/** Whether the second factor in this session is recent enough for a sensitive action. */
export function secondFactorIsFresh(session: LoadedStaffSession, now: Date, stepUpMs: number): boolean {
  return session.secondFactorAt !== null && Date.parse(session.secondFactorAt) + stepUpMs > now.getTime();
}

export async function deleteStaffSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('id', '=', sessionId).execute();
}

/** Every session of a staff member; `except` keeps the one in use. */
export async function revokeStaffSessions(db: Kysely<Database>, staffId: string, except?: string): Promise<number> {
  let q = db.deleteFrom('staff_sessions').where('staff_id', '=', staffId);
  if (except) q = q.where('id', '!=', except);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}
