import type { Kysely } from 'kysely';
import type { Database, User } from '../db/schema.ts';
import { preparedQuery } from '../db/prepared-query.ts';
import { hashToken, newToken } from './token.ts';

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

// Writing last_seen_at on every request would turn reads into writes; a
// minute of slack on a 30-minute idle timeout is harmless.
const TOUCH_EVERY_MS = 60_000;

export async function createSession(
  db: Kysely<Database>,
  userId: string,
  now: Date,
  t: SessionTimeouts,
  meta: { ip: string | null; userAgent: string | null },
): Promise<string> {
  const token = newToken();
  await db
    .insertInto('sessions')
    .values({
      id: hashToken(token),
      user_id: userId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + t.absoluteMs).toISOString(),
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return token;
}

export interface LoadedSession {
  id: string;
  expiresAt: string;
  user: User;
  customer: { id: string; rut: string; name: string };
}

// Every signed-in request runs it: compiled once (db/prepared-query.ts).
const sessionRow = preparedQuery((db: Kysely<Database>, id: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('customers', 'customers.id', 'users.customer_id')
    .selectAll('users')
    .select([
      'sessions.last_seen_at as session_last_seen_at',
      'sessions.expires_at as session_expires_at',
      'customers.rut as customer_rut',
      'customers.name as customer_name',
      'customers.disabled_at as customer_disabled_at',
    ])
    .where('sessions.id', '=', id),
);

/**
 * The session for a cookie token, or null when it is unknown, past its
 * absolute or idle limit, or its user or customer is disabled.
 */
export async function loadSession(db: Kysely<Database>, token: string, now: Date, t: SessionTimeouts): Promise<LoadedSession | null> {
  const id = hashToken(token);
  const [row] = await sessionRow(db, id);
  if (!row) return null;
  const nowMs = now.getTime();
  const idleExpired = Date.parse(row.session_last_seen_at) + t.idleMs <= nowMs;
  if (Date.parse(row.session_expires_at) <= nowMs || idleExpired || row.disabled_at || row.customer_disabled_at) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  if (nowMs - Date.parse(row.session_last_seen_at) >= TOUCH_EVERY_MS) {
    await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
  }
  const { session_last_seen_at, session_expires_at, customer_rut, customer_name, customer_disabled_at, ...user } = row;
  return { id, expiresAt: session_expires_at, user, customer: { id: user.customer_id, rut: customer_rut, name: customer_name } };
}

export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Every session of the user; `except` keeps the one the user is using. */
export async function revokeUserSessions(db: Kysely<Database>, userId: string, except?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (except) q = q.where('id', '!=', except);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function revokeCustomerSessions(db: Kysely<Database>, customerId: string): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('user_id', 'in', db.selectFrom('users').select('id').where('customer_id', '=', customerId))
    .execute();
}
