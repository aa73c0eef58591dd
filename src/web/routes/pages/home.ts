import { Hono } from 'hono';
import { homeFor } from '../../../policies/policy.ts';
import type { AppEnv } from '../../env.ts';

export const homeRoutes = new Hono<AppEnv>().get('/', (c) => c.redirect(c.var.session ? homeFor(c.var.session.user.role) : '/ingresar', 303));
