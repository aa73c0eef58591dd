import { Hono } from 'hono';
import type { Deps } from './deps.ts';
import { metricsAccess } from './metrics/metrics-access.ts';
import { metricsRoutes } from './metrics/metrics-routes.ts';
import { AppError, UnavailableError } from './errors.ts';
import type { AppEnv } from './web/env.ts';
import { customerApp } from './web/customer-app.ts';
import { errorPage } from './web/error-page.tsx';
import { knownOutage } from './web/known-outage.ts';
import { requestContext } from './web/middleware/request-context.ts';
import { securityHeaders } from './web/middleware/security-headers.ts';
import { healthRoutes } from './web/routes/pages/health.ts';
import { staticRoutes } from './web/routes/pages/static-files.ts';
import { staffApp } from './web/staff/staff-app.ts';
import { apiApp } from './api/api-app.ts';
import './domain/zod-spanish.ts';

/**
 * One app per audience, mounted under its own prefix: the vendor's console
 * at /proveedor (and the API at /api/v1, later), then the customers' pages
 * at /. Each sub-app brings its own session, CSRF and cache rules; only the
 * request context and the security headers are everyone's.
 */
export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();

  // Context and headers for everything; static files and the health check before any session or database work.
  // First: it times all that follows, and labels each request with the route pattern that answered it.
  app.use('*', deps.metrics.http.middleware());
  app.use('*', requestContext(deps));
  // A reader page that met the database's absence ahead of the framework: its 503 now, not a second wait.
  app.use('*', knownOutage());
  app.use('*', securityHeaders(deps.config.secureCookies));
  app.route('/', staticRoutes(deps.config.brand));
  app.route('/', healthRoutes);
  // Prometheus, with its bearer token; not here at all without one, or when METRICS_PORT serves it apart (metrics-access.ts).
  const metricsOnMainPort = metricsAccess(deps.config).mainPort;
  if (metricsOnMainPort) app.route('/', metricsRoutes(deps.metrics, { token: metricsOnMainPort.token, clock: deps.clock, addressOf: (c) => c.get('ip') }));
  // Each prefix's app answers every path under it (its own 404 included), so the customer app's middleware never runs there.
  app.route('/proveedor', staffApp());
  app.route('/api/v1', apiApp());
  app.route('/', customerApp(deps.pageCache));

  app.notFound((c) => errorPage(c, 404, 'La página que busca no existe o no tiene acceso a ella.'));
  app.onError((err, c) => {
    if (err instanceof UnavailableError) {
      // Nobody's mistake, and it passes: say when to come back; the log keeps what the driver said.
      const cause = err.cause as { code?: string; message?: string } | undefined;
      (c.get('log') ?? deps.log).warn({ errorId: err.id, status: 503, code: cause?.code, cause: cause?.message }, err.message);
      c.header('Retry-After', String(err.retryAfterSeconds));
      return errorPage(c, 503, err.message);
    }
    if (err instanceof AppError) {
      c.get('log')?.info({ errorId: err.id, status: err.status }, err.message);
      return errorPage(c, err.status, err.message);
    }
    if (c.req.raw.signal.aborted) {
      // The person closed the connection (or it timed out) before the request was read: nothing to answer.
      (c.get('log') ?? deps.log).info({ err: (err as Error)?.message, path: c.req.path }, 'request aborted by the client');
      return c.body(null, 400);
    }
    (c.get('log') ?? deps.log).error({ err }, 'unhandled error');
    return errorPage(c, 500, 'Ocurrió un error inesperado. Ya quedó registrado; inténtelo de nuevo en unos minutos.');
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
