import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env.ts';
import { page } from './render.tsx';
import { staffPage } from './staff/staff-page.tsx';

const TITLES: Partial<Record<number, string>> = {
  400: 'Solicitud no válida',
  403: 'Acceso no permitido',
  404: 'Página no encontrada',
  410: 'Enlace no válido',
  413: 'Envío demasiado grande',
  415: 'Formato no admitido',
  422: 'Datos no válidos',
  429: 'Demasiados intentos',
  500: 'Error del portal',
  503: 'Servicio no disponible',
};

export function errorPage(c: Context<AppEnv>, status: number, message: string) {
  const title = TITLES[status] ?? 'No se pudo completar';
  // The error may come before the session or CSRF middleware ran.
  if (!c.get('deps')) return c.text(message, status as ContentfulStatusCode);
  if (c.req.path === '/proveedor' || c.req.path.startsWith('/proveedor/')) {
    // The console's own layout: nothing of the customer pages' session shows there.
    const staff = c.get('staffSession');
    return staffPage(
      c,
      { title, status: status as ContentfulStatusCode, bare: !staff },
      <section class="card" aria-labelledby="titulo">
        <h1 id="titulo">{title}</h1>
        <p>{message}</p>
        <p>
          <a href="/proveedor">Ir al inicio de la consola</a>
        </p>
      </section>,
    );
  }
  return page(
    c,
    { title, status: status as ContentfulStatusCode, bare: !c.get('session') },
    <section class="card" aria-labelledby="titulo">
      <h1 id="titulo">{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">Ir al inicio</a>
      </p>
    </section>,
  );
}
