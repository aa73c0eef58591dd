import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { describe, expect, test } from 'vitest';
import type { AppEnv } from './env.ts';
import { readAppCookie, setAppCookie, type AppCookie } from './cookies.ts';

/** A route that reads the named cookies with readAppCookie and with hono's getCookie, once the CSRF cookie has been set anew. */
function probe(secure: boolean) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('deps', { config: { secureCookies: secure } } as AppEnv['Variables']['deps']);
    await next();
  });
  app.get('/', (c) => {
    const names: AppCookie[] = ['sid', 'csrf', 'flash', 'staff'];
    const first = Object.fromEntries(names.map((n) => [n, readAppCookie(c, n) ?? null]));
    setAppCookie(c, 'csrf', 'nuevo');
    const hono = Object.fromEntries(names.map((n) => [n, getCookie(c, secure ? `__Host-${n}` : n) ?? null]));
    const again = Object.fromEntries(names.map((n) => [n, readAppCookie(c, n) ?? null]));
    return c.json({ first, hono, again });
  });
  return app;
}

describe('readAppCookie (the header parsed once per request)', () => {
  const cases: Array<[string, string]> = [
    ['plain', 'sid=abc; csrf=def'],
    ['a name twice: the first valid one', 'sid=first; sid=second; csrf=x'],
    ['an invalid first value is skipped', 'sid=bad value"; sid=good'],
    ['URI-encoded and quoted values', 'flash=%C3%B1and%C3%BA; csrf="quoted"'],
    ['whitespace and empty pairs', ' ;sid = spaced ;; csrf=;other'],
    ['a malformed escape stays as sent', 'sid=%E0%A4%A; csrf=ok'],
    ['look-alike names', 'xsid=no; sid_=no; sid=yes'],
    ['__proto__ and friends', '__proto__=p; constructor=c; sid=s'],
  ];
  for (const [what, header] of cases) {
    test(what, async () => {
      const res = await probe(false).request('/', { headers: { cookie: header } });
      const { first, hono, again } = (await res.json()) as Record<string, Record<string, string | null>>;
      // The same answers as hono's getCookie, and a cookie set during the request does not change what the request sent.
      expect(first).toEqual(hono);
      expect(again).toEqual(first);
    });
  }

  test('no Cookie header: nothing', async () => {
    const res = await probe(false).request('/');
    const { first } = (await res.json()) as Record<string, Record<string, string | null>>;
    expect(first).toEqual({ sid: null, csrf: null, flash: null, staff: null });
  });

  test('over https only the __Host- names count', async () => {
    const res = await probe(true).request('/', { headers: { cookie: 'sid=plain; __Host-sid=hosted; __Host-staff=s' } });
    const { first, hono } = (await res.json()) as Record<string, Record<string, string | null>>;
    expect(first).toEqual({ sid: 'hosted', csrf: null, flash: null, staff: 's' });
    expect(first).toEqual(hono);
  });
});
