import type { Principal } from '../auth/principal.ts';
import { forbidden } from '../errors.ts';
import { authorizeStaff, type StaffAction } from '../policies/staff-policy.ts';

/**
 * Who may register and change webhook endpoints (webhooks:manage) or send a
 * delivery again (webhooks:resend): a staff member whose role allows it, or
 * the operator at the server's terminal. A customer's user never; an API
 * client neither (no token scope covers webhooks: a leaked token must not be
 * able to point the portal's events elsewhere).
 */
export function authorizeWebhooks(actor: Principal, action: Extract<StaffAction, 'webhooks:manage' | 'webhooks:resend'>): void {
  if (actor.kind === 'cli') return;
  if (actor.kind === 'staff') return authorizeStaff(actor.role, action);
  throw forbidden();
}
