import type { Principal } from '../auth/principal.ts';
import type { UserRole } from '../db/schema.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { can } from './policy.ts';
import { staffCan } from './staff-policy.ts';

/** The user an operation acts on, as the policy needs to see it. */
export interface ManagedUserSubject {
  customerId: string;
  role: UserRole;
}

export type ManageUserDecision = 'allowed' | 'not-found' | 'forbidden' | 'not-technical';

/**
 * Who may act on a customer's user (resend credentials, disable, delete,
 * lift a throttle, end sessions): a customer's administrator on its own
 * customer's technical users only (another customer's users do not exist
 * for it); vendor staff whose role writes users, on any user; the operator's
 * terminal on any; an API client (the vendor's own systems) on any user of
 * the customer its path names, when its token carries users:write (the
 * route checks the scope first; this is the same rule again, so no other
 * door can hand an API principal more than its token says).
 */
export function decideManageUser(actor: Principal, subject: ManagedUserSubject): ManageUserDecision {
  switch (actor.kind) {
    case 'user':
      if (actor.customer.id !== subject.customerId) return 'not-found';
      if (!can(actor.role, 'users:manage')) return 'forbidden';
      return subject.role === 'technical' ? 'allowed' : 'not-technical';
    case 'staff':
      return staffCan(actor.role, 'users:write') ? 'allowed' : 'forbidden';
    case 'cli':
      return 'allowed';
    case 'api':
      return actor.scopes.has('users:write') ? 'allowed' : 'forbidden';
  }
}

export function authorizeManageUser(actor: Principal, subject: ManagedUserSubject): void {
  const d = decideManageUser(actor, subject);
  if (d === 'not-found') throw notFound();
  if (d === 'forbidden') throw forbidden();
  if (d === 'not-technical') throw new AppError(403, 'not-technical', 'Sólo puede administrar usuarios con perfil técnico.');
}
