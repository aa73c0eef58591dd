import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { UnavailableError } from '../errors.ts';
import type { AppEnv } from './env.ts';

/**
 * A request that already met the database's absence ahead of the framework
 * (reader-pages.ts): the framework answers its 503 at once instead of asking
 * the database again. When PostgreSQL hangs rather than refuses, each ask
 * waits the pool's connect timeout (5 s), and a reader waited it twice.
 */
const outages = new WeakMap<IncomingMessage, UnavailableError>();

export function rememberOutage(req: IncomingMessage, err: unknown): void {
  if (err instanceof UnavailableError) outages.set(req, err);
}

/** Throws the remembered error (app.onError answers it as any 503); any other request goes on. */
export function knownOutage(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const err = incoming && outages.get(incoming);
    if (err) throw err;
    await next();
  };
}
