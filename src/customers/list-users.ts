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
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    state: userState(r),
    lastSignInAt: r.last_sign_in_at,
    createdAt: r.created_at,
  }));
}
