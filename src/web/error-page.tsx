import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './env.ts';
import { page } from './render.tsx';

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
