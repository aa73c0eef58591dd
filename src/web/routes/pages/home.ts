import { Hono } from 'hono';
import { homeFor } from '../../../policies/policy.ts';
import type { AppEnv } from '../../env.ts';

export const homeRoutes = new Hono<AppEnv>().get('/', (c) => {
  const session = c.get('session');
  return c.redirect(session ? homeFor(session.user.role) : '/ingresar', 303);
});
