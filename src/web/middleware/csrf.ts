import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { newToken } from '../../auth/token.ts';
import { csrfFailed } from '../../errors.ts';
import { readAppCookie, setAppCookie } from '../cookies.ts';
import type { AppEnv } from '../env.ts';
import { readForm, type LargeBodyRule } from '../request-body.ts';

/**
 * Double-submit token: a random value in an HttpOnly cookie and the same
 * value in a hidden field of every form. A page on another site can make the
 * browser send the cookie, but cannot read it to fill in the field. The
 * Origin header, when the browser sends one, must also be ours.
 *
 * Cheapest refusal first, and all of it before the session is loaded: the
 * Origin (a header), then the body's type and size (headers, then counted
 * while read, see request-body.ts), and only then the token inside it. The
 * body is read here once and kept on the context for the route.
 */
export function csrfGuard(
  cookie: 'csrf' | 'staff_csrf',
  largeBodies: Readonly<Record<string, LargeBodyRule>> | ((path: string) => LargeBodyRule | undefined) = {},
): MiddlewareHandler<AppEnv> {
  // By exact path, or by a function for paths with an id in them (an article's file upload).
  const ruleFor = typeof largeBodies === 'function' ? largeBodies : (path: string) => (Object.hasOwn(largeBodies, path) ? largeBodies[path] : undefined);
  return async (c, next) => {
    let token = readAppCookie(c, cookie);
    if (!token || !/^[\w-]{43}$/.test(token)) {
      token = newToken();
      setAppCookie(c, cookie, token);
    }
    c.set('csrfToken', token);
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();

    const origin = c.req.header('origin');
    if (origin && origin !== 'null' && origin !== new URL(c.get('deps').config.publicUrl).origin && origin !== new URL(c.req.url).origin) {
      throw csrfFailed();
    }
    // Paths given their own body rule (the CSV upload, an article's files); every other POST keeps the form limit.
    const { form, files } = await readForm(c, ruleFor(c.req.path));
    const sent = form.get('_csrf') ?? '';
    const a = Buffer.from(sent);
    const b = Buffer.from(readAppCookie(c, cookie) ?? '');
    if (a.length === 0 || a.length !== b.length || !timingSafeEqual(a, b)) throw csrfFailed();
    c.set('form', form);
    if (files.size > 0) c.set('files', files);
    return next();
  };
}

/** The customer pages' guard; the vendor's console has its own cookie (web/staff/staff-app.ts). */
export const csrfProtection = csrfGuard('csrf');
