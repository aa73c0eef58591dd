import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';

// Reachable while a temporary password still has to be replaced.
const OPEN = ['/nueva-clave', '/salir', '/terminos', '/salud', '/static/', '/dev/correo'];

/** After signing in with a temporary password, every page leads to "Ingresar Nueva Clave de Acceso". */
export const forcePasswordChange: MiddlewareHandler<AppEnv> = async (c, next) => {
  const s = c.get('session');
  if (s && s.user.must_change_password && !OPEN.some((p) => c.req.path === p || (p.endsWith('/') && c.req.path.startsWith(p)))) {
    return c.redirect('/nueva-clave', 303);
  }
  await next();
};
