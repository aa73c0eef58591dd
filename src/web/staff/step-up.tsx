import type { Context, Next } from 'hono';
import { secondFactorIsFresh } from '../../staff/staff-session.ts';
import type { AppEnv } from '../env.ts';

/**
 * A sensitive action with a second factor older than STAFF_STEP_UP_MINUTES:
 * the staff member gives it again first, then comes back to the page.
 */
export async function requireFreshSecondFactor(c: Context<AppEnv>, next: Next) {
  const session = c.get('staffSession')!;
  const { clock, config } = c.get('deps');
  if (secondFactorIsFresh(session, clock.now(), config.staffStepUpMs)) return next();
  const back = c.req.method === 'GET' ? c.req.path : (c.req.header('referer') && safeConsolePath(c.req.header('referer')!)) || c.req.path;
  return c.redirect(`/proveedor/verificar?volver=${encodeURIComponent(back)}&motivo=confirmar`, 303);
}

function safeConsolePath(url: string): string | null {
  try {
    const u = new URL(url, 'http://x');
    return u.pathname.startsWith('/proveedor') ? u.pathname : null;
  } catch {
    return null;
  }
}
