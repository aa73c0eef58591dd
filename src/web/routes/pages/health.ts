import { Hono } from 'hono';
import { sql } from 'kysely';
import type { AppEnv } from '../../env.ts';

/** For load balancers and the operator: 200 when the database answers, 503 when it does not. */
export const healthRoutes = new Hono<AppEnv>().get('/salud', async (c) => {
  const started = performance.now();
  try {
    await sql`select 1`.execute(c.get('deps').db);
    return c.json({ status: 'ok', database: c.get('deps').dialect, ms: Math.round(performance.now() - started) });
  } catch (err) {
    c.get('log').error({ err }, 'health check: database unreachable');
    return c.json({ status: 'error', database: c.get('deps').dialect }, 503);
  }
});
