import type { MiddlewareHandler } from 'hono';
import { Histogram, type Registry } from 'prom-client';
import { routeLabel } from './route-label.ts';

/** Methods a route of the portal may have; anything else (node:http accepts some thirty) is one "other". */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** From a cached page's 1 ms to a throttled sign-in's padded 750 ms and a slow export's seconds. */
export const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** portal_http_request_duration_seconds{method, route, status}: every request the framework answered. */
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'portal_http_request_duration_seconds',
      help: 'Time to answer a request, by method, matched route pattern ("unmatched" for none) and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers: [registry],
    });
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    this.duration.observe({ method: METHODS.has(method) ? method : 'other', route, status: String(status) }, seconds);
  }

  /**
   * First in the app: it times everything after it. An error a handler
   * throws has become the error page (and its status) by the time next()
   * returns, so failures are counted with the status the client got.
   */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const started = performance.now();
      try {
        await next();
      } finally {
        this.observe(c.req.method, routeLabel(c), c.res.status, (performance.now() - started) / 1000);
      }
    };
  }
}
