import type { Kysely } from 'kysely';
import type { Database, User } from '../db/schema.ts';
import type { SharedCache, SharedCaches } from '../cache/shared-cache.ts';
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
 * Kept across requests when the caller passes the shared caches (the
 * customer pages' session middleware): every signed-in request needs its
 * session, user and customer, and they change rarely. Emptied by any write
 * that could make a kept row wrong, on every instance (db/change-signal.ts):
 * a session deleted (sign-out, revocation, expiry), a user or customer
 * changed (disabled, password, scope). Not by a new session (its insert is
 * quiet, so "not found" is never kept) nor by the last-seen touch (quiet
 * too): a kept row's last-seen is this process's own, and a row that looks
 * dead is read again before anything is decided on it, since another
 * instance may have touched it since.
 */
export const SESSION_TABLES = ['sessions', 'users', 'customers'] as const;

type SessionRow = Awaited<ReturnType<typeof sessionRow>>[number];
/** A kept row and when this process last saw the session used (ms). */
interface KeptSession {
  row: SessionRow;
  lastSeenMs: number;
}

const perCaches = new WeakMap<SharedCaches, SharedCache<KeptSession | null>>();

function sessionCacheOf(caches: SharedCaches): SharedCache<KeptSession | null> {
  let cache = perCaches.get(caches);
  if (!cache) {
    // A row is some 1 KB; a busy portal has a few thousand signed in.
    cache = caches.create<KeptSession | null>({ name: 'sessions', tables: SESSION_TABLES, maxEntries: 20_000, keep: (v) => v !== null });
    perCaches.set(caches, cache);
  }
  return cache;
}

async function freshSession(db: Kysely<Database>, id: string): Promise<KeptSession | null> {
  const [row] = await sessionRow(db, id);
  return row ? { row, lastSeenMs: Date.parse(row.session_last_seen_at) } : null;
}

export interface SessionLookup {
  /** The process's shared caches: the session is kept across requests. */
  caches?: SharedCaches;
  /** When the request arrived (c.get('arrivedAt')), for the caches' barrier. */
  since?: number;
}

const isDead = (s: KeptSession, nowMs: number, t: SessionTimeouts) =>
  Date.parse(s.row.session_expires_at) <= nowMs || s.lastSeenMs + t.idleMs <= nowMs || !!s.row.disabled_at || !!s.row.customer_disabled_at;

/**
 * The session for a cookie token, or null when it is unknown, past its
 * absolute or idle limit, or its user or customer is disabled.
 */
export async function loadSession(db: Kysely<Database>, token: string, now: Date, t: SessionTimeouts, lookup: SessionLookup = {}): Promise<LoadedSession | null> {
  const id = hashToken(token);
  const nowMs = now.getTime();
  let s = lookup.caches ? await sessionCacheOf(lookup.caches).get(id, () => freshSession(db, id), { since: lookup.since }) : await freshSession(db, id);
  if (!s) return null;
  // A kept row that looks dead may only be out of date (another instance saw it used): the database decides.
  if (lookup.caches && isDead(s, nowMs, t)) {
    const kept = s;
    s = await freshSession(db, id);
    if (!s) return null;
    kept.lastSeenMs = Math.max(kept.lastSeenMs, s.lastSeenMs);
  }
  if (isDead(s, nowMs, t)) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  if (nowMs - s.lastSeenMs >= TOUCH_EVERY_MS) {
    await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
    s.lastSeenMs = nowMs;
  }
  const { session_last_seen_at, session_expires_at, customer_rut, customer_name, customer_disabled_at, ...user } = s.row;
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
