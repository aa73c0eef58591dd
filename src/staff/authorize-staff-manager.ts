import type { Principal } from '../auth/principal.ts';
import { forbidden } from '../errors.ts';
import { authorizeStaff } from '../policies/staff-policy.ts';

/**
 * Who may invite staff, resend an invitation or reset someone's MFA: a staff
 * member whose role allows staff:manage, or the operator at the server's
 * terminal (who creates the first administrator). A customer's user or an
 * API client never.
 */
export function authorizeStaffManager(actor: Principal): void {
  if (actor.kind === 'cli') return;
  if (actor.kind === 'staff') return authorizeStaff(actor.role, 'staff:manage');
  throw forbidden();
}
