import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export type UserState = 'pending' | 'active' | 'disabled';

export const USER_STATE_LABEL: Record<UserState, string> = { pending: 'Pendiente de primer ingreso', active: 'Activo', disabled: 'Deshabilitado' };

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

/** The customer's users, administrators first, then by name; `page` takes a slice of that order (the console pages a large customer). */
export async function listUsers(db: Kysely<Database>, customerId: string, page?: { limit: number; offset: number }): Promise<UserListItem[]> {
  let q = db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'disabled_at', 'must_change_password', 'last_sign_in_at', 'created_at'])
    .where('customer_id', '=', customerId)
    .orderBy('role')
    .orderBy('name')
    .orderBy('email')
    .orderBy('id');
  if (page) q = q.limit(page.limit).offset(page.offset);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  let scopeQuery = db
    .selectFrom('user_help_scope as u')
    .innerJoin('users', 'users.id', 'u.user_id')
    .innerJoin('systems', 'systems.id', 'u.system_id')
    .select(['u.user_id', 'systems.name'])
    .where('users.customer_id', '=', customerId)
    .orderBy('systems.position');
  if (page) scopeQuery = scopeQuery.where('u.user_id', 'in', rows.map((r) => r.id));
  const byUser = new Map<string, string[]>();
  for (const x of await scopeQuery.execute()) byUser.set(x.user_id, [...(byUser.get(x.user_id) ?? []), x.name]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    role: r.role,
    state: userState(r),
    lastSignInAt: r.last_sign_in_at,
    createdAt: r.created_at,
    helpScope: byUser.get(r.id) ?? [],
  }));
}
