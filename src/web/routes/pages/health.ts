import { Hono } from 'hono';
import { sql } from 'kysely';
import { UnavailableError } from '../../../errors.ts';
import type { AppEnv } from '../../env.ts';

/**
 * For load balancers and the operator: 200 when the database answers; 503
 * when it does not, or when the server is shutting down (finish what you
 * sent, send nothing new). Never cached, and never waits long: the database
 * check gives up after two seconds.
 */
const CHECK_TIMEOUT_MS = 2_000;

export const healthRoutes = new Hono<AppEnv>().get('/salud', async (c) => {
  const deps = c.get('deps');
  c.header('Cache-Control', 'no-store');
  if (deps.draining?.()) {
    c.header('Retry-After', '5');
    return c.json({ status: 'draining', database: deps.dialect }, 503);
  }
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      sql`select 1`.execute(deps.db),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS))),
    ]);
    return c.json({ status: 'ok', database: deps.dialect, ms: Math.round(performance.now() - started) });
  } catch (err) {
    // Expected while the database restarts: a warning, not an error with a stack on every probe.
    const e = (err instanceof UnavailableError ? err.cause : err) as { code?: string; message?: string } | undefined;
    c.get('log').warn({ code: e?.code, err: e?.message }, 'health check: database unreachable');
    c.header('Retry-After', '5');
    return c.json({ status: 'error', database: deps.dialect }, 503);
  } finally {
    clearTimeout(timer);
  }
});
