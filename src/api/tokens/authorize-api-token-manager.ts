import type { Principal } from '../../auth/principal.ts';
import { forbidden } from '../../errors.ts';
import { authorizeStaff } from '../../policies/staff-policy.ts';

/**
 * Who may create or revoke an API token (api:manage): a staff member whose
 * role allows it, or the operator at the server's terminal. Checked in the
 * operations themselves, not only by the console's routes: an API client
 * must never mint a token (a leaked customers:write token would make itself
 * a permanent one with every scope), nor a customer's user.
 */
export function authorizeApiTokens(actor: Principal): void {
  if (actor.kind === 'cli') return;
  if (actor.kind === 'staff') return authorizeStaff(actor.role, 'api:manage');
  throw forbidden();
}
