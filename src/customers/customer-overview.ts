import type { Kysely } from 'kysely';
import { accountId } from '../auth/password-attempt.ts';
import type { Database } from '../db/schema.ts';
import { daysBetween } from '../domain/contracts.ts';
import { findCustomerById } from './find-customer.ts';
import { listContracts, type ContractView } from './list-contracts.ts';
import { listUsers, type UserListItem } from './list-users.ts';

export interface CustomerOverview {
  customer: { id: string; rut: string; name: string; disabled: boolean; disabledAt: string | null; createdAt: string };
  contracts: (ContractView & { daysLeft: number | null })[];
  /** One page of the users (USERS_PAGE_SIZE): a customer may have thousands. */
  users: (UserListItem & { throttledUntil: string | null; sessions: number })[];
  usersTotal: number;
  usersPage: number;
  usersPageCount: number;
}

export const USERS_PAGE_SIZE = 100;

/**
 * The console's customer page: its data, its contracts with their status
 * today, its users with whether a sign-in throttle holds them and how many
 * sessions they have open. A fixed number of queries, whatever the size.
 */
export async function customerOverview(db: Kysely<Database>, customerId: string, today: string, now: Date, usersPage: unknown = 1): Promise<CustomerOverview> {
  const c = await findCustomerById(db, customerId);
  // From the URL: anything but a page number is the first page.
  const asked = Math.floor(Number(usersPage));
  const page = Number.isFinite(asked) && asked >= 1 ? Math.min(asked, 1_000_000) : 1;
  const [contracts, users, sessions, counted] = await Promise.all([
    listContracts(db, c.id, today),
    listUsers(db, c.id, { limit: USERS_PAGE_SIZE, offset: (page - 1) * USERS_PAGE_SIZE }),
    db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.user_id', (eb) => eb.fn.countAll().as('n')])
      .where('users.customer_id', '=', c.id)
      .where('sessions.expires_at', '>', now.toISOString())
      .groupBy('sessions.user_id')
      .execute(),
    db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('customer_id', '=', c.id).executeTakeFirstOrThrow(),
  ]);
  const usersTotal = Number(counted.n);
  const accounts = users.map((u) => accountId(c.rut, u.email));
  const throttles = accounts.length
    ? await db
        .selectFrom('throttles')
        .select(['account', 'blocked_until'])
        .where('account', 'in', accounts)
        .where('blocked_until', '>', now.toISOString())
        .execute()
    : [];
  const blocked = new Map<string, string>();
  for (const t of throttles) if (t.account && t.blocked_until && (blocked.get(t.account) ?? '') < t.blocked_until) blocked.set(t.account, t.blocked_until);
  const open = new Map(sessions.map((s) => [s.user_id, Number(s.n)]));
  return {
    customer: { id: c.id, rut: c.rut, name: c.name, disabled: c.disabled_at !== null, disabledAt: c.disabled_at, createdAt: c.created_at },
    contracts: contracts.map((k) => ({ ...k, daysLeft: k.status === 'in-force' && k.endsOn ? daysBetween(today, k.endsOn) : null })),
    users: users.map((u) => ({ ...u, throttledUntil: blocked.get(accountId(c.rut, u.email)) ?? null, sessions: open.get(u.id) ?? 0 })),
    usersTotal,
    usersPage: page,
    usersPageCount: Math.max(1, Math.ceil(usersTotal / USERS_PAGE_SIZE)),
  };
}
