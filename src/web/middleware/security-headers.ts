import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

/**
 * Headers every answer carries, as name/value pairs (lower-case names, as
 * node:http and fetch's Headers give them): the middleware below sets them
 * on the framework's answers, web/reader-pages.ts on the pages it serves
 * ahead of the framework. No inline script is ever needed.
 */
export function securityHeaderPairs(secure: boolean, path: string): ReadonlyArray<readonly [string, string]> {
  return path.startsWith('/static/') ? (secure ? SECURE_STATIC : COMMON) : secure ? SECURE_PAGE : PAGE;
}

const COMMON: ReadonlyArray<readonly [string, string]> = [
  ['content-security-policy', CSP],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  // Reset links carry their token in the URL: never send it on as a Referer.
  ['referrer-policy', 'no-referrer'],
  ['cross-origin-opener-policy', 'same-origin'],
  ['permissions-policy', 'camera=(), microphone=(), geolocation=()'],
];
const HSTS = ['strict-transport-security', 'max-age=31536000; includeSubDomains'] as const;
const NO_STORE = ['cache-control', 'no-store'] as const;
const SECURE_STATIC = [...COMMON, HSTS];
const PAGE = [...COMMON, NO_STORE];
const SECURE_PAGE = [...COMMON, HSTS, NO_STORE];

export function securityHeaders(secure: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Set before the handler runs, so they go into the answer it builds (error
    // pages included). Set after, Hono has to rebuild the finished answer
    // around a body stream, which took a fifth of a page's time.
    for (const [name, value] of securityHeaderPairs(secure, c.req.path)) c.header(name, value);
    await next();
  };
}
