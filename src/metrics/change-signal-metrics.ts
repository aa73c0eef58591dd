import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * portal_change_signal_connected: 1 while PostgreSQL's listening connection
 * (db/postgres-change-signal.ts) is up, 0 while it is down, when the shared
 * caches are off and every read goes to the database.
 * portal_change_signal_barriers_total: the barriers sent on it (one round
 * trip each, shared by the requests that arrived before it; heartbeats
 * included). Divided by the request rate it says how well they are shared.
 * Both absent on SQLite, whose signal has no connection.
 */
export function registerChangeSignalMetrics(registry: Registry, signal: { readonly connected?: boolean; readonly barriers?: number }): void {
  if (signal.connected === undefined) return;
  new Gauge({
    name: 'portal_change_signal_connected',
    help: 'PostgreSQL: 1 while the LISTEN connection that empties the shared caches is up, 0 while it is down (caches bypassed).',
    registers: [registry],
    collect() {
      this.set(signal.connected ? 1 : 0);
    },
  });
  let reported = 0;
  new Counter({
    name: 'portal_change_signal_barriers_total',
    help: 'PostgreSQL: barriers (one round trip on the LISTEN connection, shared by the requests that arrived before it) sent so far.',
    registers: [registry],
    collect() {
      const now = signal.barriers ?? 0;
      if (now > reported) this.inc(now - reported);
      reported = now;
    },
  });
}
