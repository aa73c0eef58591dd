import { Gauge, type Registry } from 'prom-client';

/**
 * portal_change_signal_connected: 1 while PostgreSQL's listening connection
 * (db/postgres-change-signal.ts) is up, 0 while it is down, when the shared
 * caches are off and every read goes to the database. Absent on SQLite,
 * whose signal has no connection to lose.
 */
export function registerChangeSignalMetrics(registry: Registry, signal: { readonly connected?: boolean }): void {
  if (signal.connected === undefined) return;
  new Gauge({
    name: 'portal_change_signal_connected',
    help: 'PostgreSQL: 1 while the LISTEN connection that empties the shared caches is up, 0 while it is down (caches bypassed).',
    registers: [registry],
    collect() {
      this.set(signal.connected ? 1 : 0);
    },
  });
}
