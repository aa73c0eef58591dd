import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { newToken } from '../../auth/token.ts';
import { csrfFailed } from '../../errors.ts';
import { readAppCookie, setAppCookie } from '../cookies.ts';
import type { AppEnv } from '../env.ts';

/**
 * Double-submit token: a random value in an HttpOnly cookie and the same
 * value in a hidden field of every form. A page on another site can make the
 * browser send the cookie, but cannot read it to fill in the field. The
 * Origin header, when the browser sends one, must also be ours.
 */
export const csrfProtection: MiddlewareHandler<AppEnv> = async (c, next) => {
  let token = readAppCookie(c, 'csrf');
  if (!token || !/^[\w-]{43}$/.test(token)) {
    token = newToken();
    setAppCookie(c, 'csrf', token);
  }
  c.set('csrfToken', token);
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();

  const origin = c.req.header('origin');
  if (origin && origin !== 'null' && origin !== new URL(c.get('deps').config.publicUrl).origin && origin !== new URL(c.req.url).origin) {
    throw csrfFailed();
  }
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) throw csrfFailed();
  const body = await c.req.parseBody();
  const sent = typeof body._csrf === 'string' ? body._csrf : '';
  const a = Buffer.from(sent);
  const b = Buffer.from(readAppCookie(c, 'csrf') ?? '');
  if (a.length === 0 || a.length !== b.length || !timingSafeEqual(a, b)) throw csrfFailed();
  return next();
};
