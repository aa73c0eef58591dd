import { Gauge, type Registry } from 'prom-client';
import type { PoolStats } from '../db/create-db.ts';

/**
 * portal_db_pool_connections{state="total"|"idle"|"waiting"} and
 * portal_db_pool_max_connections, read from pg.Pool at scrape time
 * (PostgreSQL only: SQLite has one connection and no pool). "waiting" is
 * queries queued for a connection: above zero for long, the pool
 * (DATABASE_POOL_SIZE) or the database is the bottleneck.
 */
export function registerPoolMetrics(registry: Registry, stats: () => PoolStats, max: number): void {
  new Gauge({
    name: 'portal_db_pool_connections',
    help: 'PostgreSQL pool: connections open (total), idle, and queries waiting for one.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = stats();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });
  new Gauge({ name: 'portal_db_pool_max_connections', help: 'PostgreSQL pool: the most connections it may open (DATABASE_POOL_SIZE).', registers: [registry] }).set(max);
}
