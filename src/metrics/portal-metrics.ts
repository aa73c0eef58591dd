import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { CacheStats } from '../cache/shared-cache.ts';
import type { Clock } from '../clock.ts';
import type { PoolStats } from '../db/create-db.ts';
import type { Database } from '../db/schema.ts';
import { registerCacheMetrics, type PageCacheCounts } from './cache-metrics.ts';
import { registerChangeSignalMetrics } from './change-signal-metrics.ts';
import { HttpMetrics } from './http-metrics.ts';
import { registerOutboxMetrics } from './outbox-metrics.ts';
import { registerWebhookMetrics } from './webhook-metrics.ts';
import { registerPoolMetrics } from './pool-metrics.ts';
import { ReaderPageMetrics } from './reader-page-metrics.ts';
import { SearchMetrics } from './search-metrics.ts';
import { SignInMetrics } from './sign-in-metrics.ts';
import { ThrottleMetrics } from './throttle-metrics.ts';

export interface PortalMetricsOptions {
  db: Kysely<Database>;
  clock: Clock;
  log: Pick<Logger, 'warn'>;
  /** The shared caches' counts (cache/shared-cache.ts), and the change signal they listen to. */
  caches: { stats(): CacheStats[]; readonly signal?: { readonly connected?: boolean } };
  /** SQLite's page cache, when there is one. */
  pageCache?: PageCacheCounts;
  /** PostgreSQL's pool, and its size. */
  pool?: { stats: () => PoolStats; max: number };
  /**
   * Node's own metrics (CPU, memory, event loop delay, GC, handles), named
   * portal_…. Only when /metrics is served: starting them keeps an event
   * loop monitor and a GC observer for the rest of the process.
   */
  processMetrics: boolean;
}

/**
 * Everything /metrics shows, on a registry of this runtime's own (not
 * prom-client's global one): several runtimes in one process (the tests,
 * two instances side by side) each count their own, and none collides with
 * another's names. Request-time counts are pushed by small hooks through
 * the objects below; the rest is read when Prometheus scrapes.
 */
export class PortalMetrics {
  readonly registry = new Registry();
  readonly http: HttpMetrics;
  readonly signIns: SignInMetrics;
  readonly throttles: ThrottleMetrics;
  readonly search: SearchMetrics;
  readonly readerPages: ReaderPageMetrics;

  constructor(o: PortalMetricsOptions) {
    this.http = new HttpMetrics(this.registry);
    this.signIns = new SignInMetrics(this.registry);
    this.throttles = new ThrottleMetrics(this.registry);
    this.search = new SearchMetrics(this.registry);
    this.readerPages = new ReaderPageMetrics(this.registry);
    // Before the outbox: the registry collects in this order, and the pool's counts must be read before the outbox's query takes a connection.
    if (o.pool) registerPoolMetrics(this.registry, o.pool.stats, o.pool.max);
    registerOutboxMetrics(this.registry, o);
    registerWebhookMetrics(this.registry, o);
    registerCacheMetrics(this.registry, { shared: () => o.caches.stats(), ...(o.pageCache ? { page: o.pageCache } : {}) });
    if (o.caches.signal) registerChangeSignalMetrics(this.registry, o.caches.signal);
    if (o.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'portal_' });
  }

  /** The Prometheus text exposition format, version 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
