import type { Config } from '../config.ts';

/**
 * Where /metrics is served, and whether it asks for the bearer token:
 *  - neither METRICS_TOKEN nor METRICS_PORT: nowhere (404, like any unknown page);
 *  - METRICS_TOKEN alone: on the main port, with the token;
 *  - METRICS_PORT: on its own listener (METRICS_HOST, 127.0.0.1 by default)
 *    and no longer on the main port; without a token there, since who can
 *    reach that address is the protection, or with it when METRICS_TOKEN is
 *    set too (a metrics port open to a network).
 * Decision 0024 argues it.
 */
export interface MetricsAccess {
  mainPort: { token: string } | null;
  ownPort: { port: number; host: string; token: string | null } | null;
}

export function metricsAccess(config: Pick<Config, 'metricsToken' | 'metricsPort' | 'metricsHost'>): MetricsAccess {
  if (config.metricsPort !== undefined) {
    return { mainPort: null, ownPort: { port: config.metricsPort, host: config.metricsHost, token: config.metricsToken ?? null } };
  }
  return { mainPort: config.metricsToken ? { token: config.metricsToken } : null, ownPort: null };
}

export function metricsServed(config: Pick<Config, 'metricsToken' | 'metricsPort' | 'metricsHost'>): boolean {
  const a = metricsAccess(config);
  return a.mainPort !== null || a.ownPort !== null;
}
