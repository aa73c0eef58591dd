import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { parse } from 'hono/utils/cookie';
import type { AppEnv } from './env.ts';

/**
 * sid: the session; csrf: the double-submit token; flash: a one-time message; device: the known-device token (auth/known-device.ts).
 * The vendor's console has its own: staff (its session), staff_csrf, staff_flash, staff_device.
 */
export type AppCookie = 'sid' | 'csrf' | 'flash' | 'device' | 'staff' | 'staff_csrf' | 'staff_flash' | 'staff_device';

/**
 * Cookie names and flags in one place. Over https the names carry the
 * __Host- prefix (Secure, Path=/, no Domain: a sibling sub-domain cannot set
 * or overwrite them).
 */
export function cookieName(c: Context<AppEnv>, base: AppCookie): string {
  return cookieNameFor(c.get('deps').config.secureCookies, base);
}

export function cookieNameFor(secure: boolean, base: AppCookie): string {
  return secure ? `__Host-${base}` : base;
}

export function setAppCookie(c: Context<AppEnv>, base: AppCookie, value: string, maxAgeSeconds?: number): void {
  setCookie(c, cookieName(c, base), value, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.get('deps').config.secureCookies,
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  });
}

/**
 * The request's cookies, parsed once: a page reads three or four of them
 * (CSRF, session, flash, the page cache's sid), and hono's getCookie splits
 * and scans the whole header on each call. Keyed by the request itself, whose
 * Cookie header never changes; parse() without a name keeps the same rules as
 * getCookie (the first valid value of a name wins, values URI-decoded).
 */
const parsedCookies = new WeakMap<Request, Record<string, string>>();
const NO_COOKIES: Record<string, string> = Object.freeze(Object.create(null));

function requestCookies(c: Context<AppEnv>): Record<string, string> {
  const raw = c.req.raw;
  let jar = parsedCookies.get(raw);
  if (!jar) {
    const header = raw.headers.get('Cookie');
    jar = header ? parse(header) : NO_COOKIES;
    parsedCookies.set(raw, jar);
  }
  return jar;
}

export function readAppCookie(c: Context<AppEnv>, base: AppCookie): string | undefined {
  return requestCookies(c)[cookieName(c, base)];
}

export function clearAppCookie(c: Context<AppEnv>, base: AppCookie): void {
  deleteCookie(c, cookieName(c, base), { path: '/', secure: c.get('deps').config.secureCookies });
}

/** A one-time message shown on the next page (after a POST-redirect-GET). */
export function setFlash(c: Context<AppEnv>, message: string, cookie: 'flash' | 'staff_flash' = 'flash'): void {
  setAppCookie(c, cookie, Buffer.from(message, 'utf8').toString('base64url'), 60);
}

/** The one-time message a POST left for this page, if any: put on the context for the layout, and its cookie cleared. */
export function takeFlash(c: Context<AppEnv>, cookie: 'flash' | 'staff_flash' = 'flash'): void {
  const flash = readAppCookie(c, cookie);
  if (!flash) return;
  c.set('flash', Buffer.from(flash, 'base64url').toString('utf8').slice(0, 500));
  clearAppCookie(c, cookie);
}
