import type { Context, MiddlewareHandler } from 'hono';
import type { StaffPrincipal } from '../../auth/principal.ts';
import type { LoadedStaffSession } from '../../staff/staff-session.ts';
import { authorizeStaff, STEP_UP_ACTIONS, type StaffAction } from '../../policies/staff-policy.ts';
import type { AppEnv } from '../env.ts';
import { requireFreshSecondFactor } from './step-up.tsx';

export const STAFF_SIGN_IN = '/proveedor/ingresar';
export const STAFF_ENROL = '/proveedor/mfa/configurar';
export const STAFF_SECOND_FACTOR = '/proveedor/verificar';

/**
 * Console pages: signed-out visitors (and customers, whose cookie means
 * nothing here) go to the staff sign-in; a session still owing its second
 * factor goes to give it (or to enrol); then the role must allow the
 * action, checked before the handler runs, so before any write. Sensitive
 * actions also want a second factor given within STAFF_STEP_UP_MINUTES.
 */
export function requireStaff(action: StaffAction): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = c.get('staffSession');
    if (!session) {
      const back = c.req.method === 'GET' ? `?volver=${encodeURIComponent(c.req.path)}` : '';
      return c.redirect(`${STAFF_SIGN_IN}${back}`, 303);
    }
    if (!session.staff.mfaEnrolled) return c.redirect(STAFF_ENROL, 303);
    if (session.secondFactorAt === null) {
      const back = c.req.method === 'GET' ? `?volver=${encodeURIComponent(c.req.path)}` : '';
      return c.redirect(`${STAFF_SECOND_FACTOR}${back}`, 303);
    }
    authorizeStaff(session.staff.role, action);
    if (STEP_UP_ACTIONS.has(action)) return requireFreshSecondFactor(c, next);
    await next();
  };
}

/** The session a guarded console route runs under (requireStaff ran before it). */
export function staffSessionOf(c: Context<AppEnv>): LoadedStaffSession {
  const s = c.get('staffSession');
  if (!s) throw new Error('console route without requireStaff');
  return s;
}

/** The signed-in staff member as the operations see them. */
export function staffPrincipalOf(c: Context<AppEnv>): StaffPrincipal {
  const { staff } = staffSessionOf(c);
  return { kind: 'staff', staffId: staff.id, name: staff.name, email: staff.email, role: staff.role, ip: c.get('ip') };
}
