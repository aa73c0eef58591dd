import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export type UserState = 'pending' | 'active' | 'disabled';

export interface UserListItem {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'technical';
  state: UserState;
  lastSignInAt: string | null;
  createdAt: string;
  /** Technical users limited to some systems: their names. Empty: every contracted system. */
  helpScope: string[];
}

export function userState(u: { disabled_at: string | null; must_change_password: number }): UserState {
  if (u.disabled_at) return 'disabled';
  return u.must_change_password ? 'pending' : 'active';
}

/** The customer's users, administrators first, then by name. */
export async function listUsers(db: Kysely<Database>, customerId: string): Promise<UserListItem[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'disabled_at', 'must_change_password', 'last_sign_in_at', 'created_at'])
    .where('customer_id', '=', customerId)
    .orderBy('role')
    .orderBy('name')
    .orderBy('email')
    .execute();
  const scopes = await db
    .selectFrom('user_help_scope as u')
    .innerJoin('users', 'users.id', 'u.user_id')
    .innerJoin('systems', 'systems.id', 'u.system_id')
    .select(['u.user_id', 'systems.name'])
    .where('users.customer_id', '=', customerId)
    .orderBy('systems.position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    state: userState(r),
    lastSignInAt: r.last_sign_in_at,
    createdAt: r.created_at,
    helpScope: scopes.filter((x) => x.user_id === r.id).map((x) => x.name),
  }));
}
