import type { StaffRole } from '../db/schema.ts';
import { forbidden } from '../errors.ts';

/**
 * What each staff role may do in the vendor's console, in one typed map.
 * Routes declare the action they perform; requireStaff() checks it after the
 * session is loaded and before the handler runs, so no write happens for a
 * role that lacks it. The route × role matrix test walks this map.
 */
export type StaffAction =
  | 'console:view'
  | 'customers:read'
  | 'customers:write'
  /** Disable or enable a whole customer: a sensitive action (fresh second factor). */
  | 'customers:disable'
  | 'contracts:read'
  | 'contracts:write'
  | 'users:write'
  | 'import:run'
  | 'mail:read'
  | 'mail:write'
  | 'audit:read'
  /** Export the audit trail as CSV: sensitive. */
  | 'audit:export'
  | 'reports:read'
  | 'preview:customer'
  | 'staff:read'
  /** Invite, change role, disable, reset MFA: sensitive. */
  | 'staff:manage'
  /** See the help as the console shows it: drafts, versions, schedules, the broken-link report. */
  | 'help:read'
  /** Write drafts, systems, categories, files and synonyms; send a draft to review. */
  | 'help:write'
  /** Publish, unpublish, schedule and restore (whether on one's own draft: HELP_SELF_PUBLISH). */
  | 'help:publish'
  /** See the webhook endpoints (never their secrets) and the delivery log. */
  | 'webhooks:read'
  /** Send a delivery again (the receiver dedupes by webhook-id). */
  | 'webhooks:resend'
  /** Register, change, pause, delete an endpoint; show or rotate its secret: sensitive (where customer data goes, who may sign as the portal). */
  | 'webhooks:manage'
  /** See the API tokens: name, prefix, scopes, expiry, last use (never a token itself, which is not kept). */
  | 'api:read'
  /** Create or revoke an API token: sensitive (a token acts on customer data without a person behind it). */
  | 'api:manage';

export const STAFF_ACTIONS: readonly StaffAction[] = [
  'console:view', 'customers:read', 'customers:write', 'customers:disable', 'contracts:read', 'contracts:write', 'users:write',
  'import:run', 'mail:read', 'mail:write', 'audit:read', 'audit:export', 'reports:read', 'preview:customer', 'staff:read',
  'staff:manage', 'help:read', 'help:write', 'help:publish', 'webhooks:read', 'webhooks:resend', 'webhooks:manage',
  'api:read', 'api:manage',
];

export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'soporte', 'editor', 'lectura'];

export const STAFF_ROLE_LABEL: Record<StaffRole, string> = {
  admin: 'Administrador',
  soporte: 'Soporte',
  editor: 'Editor de ayuda',
  lectura: 'Sólo lectura',
};

const STAFF_ALLOWED: Record<StaffRole, ReadonlySet<StaffAction>> = {
  admin: new Set(STAFF_ACTIONS),
  soporte: new Set<StaffAction>([
    'console:view', 'customers:read', 'customers:write', 'customers:disable', 'contracts:read', 'contracts:write', 'users:write',
    'import:run', 'mail:read', 'mail:write', 'audit:read', 'reports:read', 'preview:customer', 'help:read', 'webhooks:read', 'webhooks:resend',
    'api:read',
  ]),
  editor: new Set<StaffAction>(['console:view', 'help:read', 'help:write', 'help:publish', 'reports:read', 'preview:customer']),
  lectura: new Set<StaffAction>(['console:view', 'customers:read', 'contracts:read', 'mail:read', 'audit:read', 'audit:export', 'reports:read', 'help:read', 'webhooks:read', 'api:read']),
};

/** Actions that ask for the second factor again when the last one is older than STAFF_STEP_UP_MINUTES. */
export const STEP_UP_ACTIONS: ReadonlySet<StaffAction> = new Set<StaffAction>(['customers:disable', 'audit:export', 'staff:manage', 'webhooks:manage', 'api:manage']);

export function staffCan(role: StaffRole, action: StaffAction): boolean {
  return STAFF_ALLOWED[role].has(action);
}

export function authorizeStaff(role: StaffRole, action: StaffAction): void {
  if (!staffCan(role, action)) throw forbidden();
}
