import type { Context } from 'hono';
import type { Actor } from '../customers/invite-technical-user.ts';
import type { AppEnv } from './env.ts';
import { sessionOf } from './middleware/require-user.ts';

/** The signed-in person as the operations see them. */
export function actorOf(c: Context<AppEnv>): Actor {
  const s = sessionOf(c);
  return { userId: s.user.id, name: s.user.name, email: s.user.email, customer: s.customer, ip: c.get('ip') };
}
