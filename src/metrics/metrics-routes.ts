import { Hono, type Context } from 'hono';
import type { Clock } from '../clock.ts';
import { BearerTokenGuard } from './bearer-token-guard.ts';
import type { PortalMetrics } from './portal-metrics.ts';

export const METRICS_PATH = '/metrics';

/**
 * GET /metrics: the Prometheus text format. No session, no CSRF, no page
 * cache: mounted ahead of the audience apps (app.ts) or alone on its own
 * port (metrics-listener.ts). With a token, a request without the right
 * `Authorization: Bearer …` gets 401 and a WWW-Authenticate challenge (RFC
 * 6750). Nothing here may be kept by a cache on the way.
 */
export function metricsRoutes(metrics: PortalMetrics, o: { token: string | null; clock: Clock; addressOf: (c: Context) => string }) {
  const guard = o.token ? new BearerTokenGuard(o.token, o.clock) : null;
  return new Hono().get(METRICS_PATH, async (c) => {
    c.header('Cache-Control', 'no-store');
    if (guard) {
      const check = guard.check(c.req.header('authorization'), o.addressOf(c));
      if (check === 'throttled') {
        c.header('Retry-After', String(guard.retryAfterSeconds()));
        return c.text('Demasiados intentos con una credencial equivocada desde esta dirección. Espere un minuto.', 429);
      }
      if (check !== 'ok') {
        c.header('WWW-Authenticate', check === 'wrong' ? 'Bearer realm="metrics", error="invalid_token"' : 'Bearer realm="metrics"');
        return c.text(
          check === 'wrong'
            ? 'La credencial no es válida. Envíe la de METRICS_TOKEN en la cabecera Authorization: Bearer.'
            : 'Falta la credencial: envíe METRICS_TOKEN en la cabecera Authorization: Bearer.',
          401,
        );
      }
    }
    const body = await metrics.exposition();
    return c.body(body, 200, { 'Content-Type': metrics.contentType });
  });
}
