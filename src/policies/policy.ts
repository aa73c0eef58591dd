import type { UserRole } from '../db/schema.ts';
import { forbidden } from '../errors.ts';

/**
 * Who may do what, in one table. A technical user reads help and manages
 * their own account, nothing else; the administrator also sees the
 * customer's services and manages its technical users.
 */
export type Action = 'services:view' | 'users:manage' | 'help:read' | 'account:manage' | 'activity:view';

const ALLOWED: Record<UserRole, ReadonlySet<Action>> = {
  admin: new Set<Action>(['services:view', 'users:manage', 'help:read', 'account:manage', 'activity:view']),
  technical: new Set<Action>(['help:read', 'account:manage']),
};

export function can(role: UserRole, action: Action): boolean {
  return ALLOWED[role].has(action);
}

export function authorize(role: UserRole, action: Action): void {
  if (!can(role, action)) throw forbidden();
}

/** Where a role lands after signing in. */
export function homeFor(role: UserRole): string {
  return can(role, 'services:view') ? '/servicios' : '/ayuda';
}
