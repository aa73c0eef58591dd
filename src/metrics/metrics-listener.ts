import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { isLoopbackHost } from '../config.ts';
import type { MetricsAccess } from './metrics-access.ts';
import { metricsRoutes } from './metrics-routes.ts';
import type { PortalMetrics } from './portal-metrics.ts';

export interface MetricsListener {
  /** Where it listens (the port chosen by the system when METRICS_PORT was 0 in a test). */
  port: number;
  close(): Promise<void>;
}

/** The app of the metrics port: /metrics and nothing else. */
export function metricsApp(metrics: PortalMetrics, o: { token: string | null; clock: Clock; log: Pick<Logger, 'error'> }) {
  const app = new Hono();
  app.route('/', metricsRoutes(metrics, { ...o, addressOf: (c) => (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown' }));
  app.notFound((c) => c.text('Aquí solo se sirve /metrics.', 404, { 'Cache-Control': 'no-store' }));
  app.onError((err, c) => {
    o.log.error({ err }, 'metrics: the exposition failed');
    return c.text('No se pudieron leer las métricas; quedó registrado.', 500, { 'Cache-Control': 'no-store' });
  });
  return app;
}

/**
 * METRICS_PORT: a listener of its own, on METRICS_HOST (127.0.0.1 unless
 * told otherwise), so Prometheus can reach it where the public never does.
 * Resolves once it listens; rejects if it cannot (the port is taken), which
 * the server treats like its main port failing.
 */
export function startMetricsListener(
  metrics: PortalMetrics,
  where: NonNullable<MetricsAccess['ownPort']>,
  o: { clock: Clock; log: Pick<Logger, 'error' | 'info' | 'warn'>; headersTimeoutMs: number; requestTimeoutMs: number },
): Promise<MetricsListener> {
  const app = metricsApp(metrics, { token: where.token, clock: o.clock, log: o.log });
  const server: Server = createServer({ headersTimeout: o.headersTimeoutMs, requestTimeout: o.requestTimeoutMs }, getRequestListener(app.fetch));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => {
      server.off('error', reject);
      server.on('error', (err) => o.log.error({ err }, 'metrics listener error'));
      const port = (server.address() as { port: number }).port;
      o.log.info({ host: where.host, port, token: where.token !== null }, 'metrics listening');
      // Allowed (a private network, a firewall in front), but worth a line in the log: anyone who reaches it reads the metrics.
      if (where.token === null && !isLoopbackHost(where.host)) o.log.warn({ host: where.host, port }, 'metrics port open to the network without METRICS_TOKEN');
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Prometheus keeps its connection open between scrapes: nothing to finish on it.
            server.closeAllConnections();
          }),
      });
    });
  });
}
