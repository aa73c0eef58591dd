import { Counter, type Registry } from 'prom-client';
import type { CacheStats } from '../cache/shared-cache.ts';

/** What the page cache counts (web/page-cache.ts): requests it could have answered, answered or not. */
export interface PageCacheCounts {
  hits: number;
  misses: number;
}

/**
 * portal_cache_requests_total{cache, result}: read at scrape time from the
 * caches' own counts (they count for the process's life, so the counter
 * only goes up until a restart, which rate() understands). The shared
 * caches by their names, the per-session page cache as cache="page".
 */
export function registerCacheMetrics(registry: Registry, sources: { shared: () => CacheStats[]; page?: PageCacheCounts }): void {
  new Counter({
    name: 'portal_cache_requests_total',
    help: 'Cache look-ups by cache and result (hit, miss); cache="page" is the per-session page cache.',
    labelNames: ['cache', 'result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of sources.shared()) {
        this.inc({ cache: s.name, result: 'hit' }, s.hits);
        this.inc({ cache: s.name, result: 'miss' }, s.misses);
      }
      if (sources.page) {
        this.inc({ cache: 'page', result: 'hit' }, sources.page.hits);
        this.inc({ cache: 'page', result: 'miss' }, sources.page.misses);
      }
    },
  });
}
