import type { Kysely } from 'kysely';
import { UAParser } from 'ua-parser-js';
import type { Database } from '../db/schema.ts';
import { sessionRefOf } from './session-ref.ts';

export interface UserSessionItem {
  /** A short handle for the page's forms, never the stored id (see session-ref.ts). */
  ref: string;
  /** "Chrome en Windows", from the user agent; "Navegador desconocido" when it says nothing useful. */
  device: string;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/** "Chrome en Windows", "Safari en iOS", "Firefox", or a plain fallback. */
export function describeUserAgent(ua: string | null): string {
  if (!ua) return 'Navegador desconocido';
  const r = new UAParser(ua).getResult();
  const browser = r.browser.name;
  const os = r.os.name;
  if (browser && os) return `${browser} en ${os}`;
  if (browser) return browser;
  if (os) return `Navegador en ${os}`;
  return 'Navegador desconocido';
}

/**
 * The user's open sessions, the one in use first, then the most recently
 * seen. Sessions past their absolute or idle limit are not open any more
 * (loadSession would delete them at their next use), so they are left out.
 */
export async function listUserSessions(
  db: Kysely<Database>,
  userId: string,
  currentSessionId: string,
  live?: { now: Date; idleMs: number },
): Promise<UserSessionItem[]> {
  let q = db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_seen_at', 'ip', 'user_agent'])
    .where('user_id', '=', userId);
  if (live) {
    q = q
      .where('expires_at', '>', live.now.toISOString())
      .where('last_seen_at', '>', new Date(live.now.getTime() - live.idleMs).toISOString());
  }
  const rows = await q.orderBy('last_seen_at', 'desc').orderBy('created_at', 'desc').execute();
  const items = rows.map((r) => ({
    ref: sessionRefOf(r.id),
    device: describeUserAgent(r.user_agent),
    ip: r.ip,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    current: r.id === currentSessionId,
  }));
  return [...items.filter((s) => s.current), ...items.filter((s) => !s.current)];
}
