import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.ts';
import { clientAddressResolver } from '../client-address.ts';
import type { AppEnv } from '../env.ts';
import { RequestLog } from '../request-log.ts';

/** The id a request is logged and answered with: the one a proxy sent, when it is a sane one, or a new one. */
export function requestIdOf(incoming: string | undefined): string {
  return incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

/** Request id, client address and a logger that carries both, on every line. */
export function requestContext(deps: Deps): MiddlewareHandler<AppEnv> {
  const clientAddress = clientAddressResolver(deps.config.trustProxy);
  return async (c, next) => {
    // The request's arrival, first thing: a shared cache serves what a barrier sent after this instant
    // vouches for (cache/shared-cache.ts). Any instant after the request was sent is right; the
    // earliest lets the most requests share one barrier.
    const started = performance.now();
    const requestId = requestIdOf(c.req.header('x-request-id'));
    const socketIp = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
    const ip = clientAddress(socketIp, c.req.header('x-forwarded-for'));
    const log = new RequestLog(deps.log, requestId);
    c.set('deps', deps);
    c.set('requestId', requestId);
    c.set('arrivedAt', started);
    c.set('ip', ip);
    c.set('log', log);
    c.set('session', null);
    c.set('flash', null);
    // Before the handler, for the same reason as the security headers.
    c.header('X-Request-Id', requestId);
    await next();
    // The request line needs no child logger: the id goes in with the rest.
    if (deps.log.isLevelEnabled('info')) deps.log.info({ requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10, ip }, 'request');
  };
}
