import type { Context } from 'hono';
import type { CustomerUserPrincipal } from '../auth/principal.ts';
import type { AppEnv } from './env.ts';
import { sessionOf } from './middleware/require-user.ts';

/** The signed-in person as the operations see them. */
export function actorOf(c: Context<AppEnv>): CustomerUserPrincipal {
  const s = sessionOf(c);
  return { kind: 'user', role: s.user.role, userId: s.user.id, name: s.user.name, email: s.user.email, customer: s.customer, ip: c.get('ip') };
}
