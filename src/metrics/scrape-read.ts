import type { Logger } from 'pino';

/**
 * A database read shared by the gauges one scrape collects together: the
 * first gauge to ask starts it, the others wait for the same answer. When the
 * database does not answer, or not within `timeoutMs` (a pool with no free
 * connection holds a query up to its connect timeout), the answer is null at
 * once: the scrape still succeeds and the gauges say NaN, not a zero that
 * would look like an empty queue.
 */
export function sharedScrapeRead<T>(read: () => Promise<T>, o: { timeoutMs: number; log: Pick<Logger, 'warn'>; what: string }): () => Promise<T | null> {
  let reading: Promise<T | null> | null = null;
  const failed = (why: string) => {
    o.log.warn({ err: why }, `metrics: reading ${o.what} failed`);
    return null;
  };
  return () =>
    (reading ??= new Promise<T | null>((resolve) => {
      const timer = setTimeout(() => resolve(failed(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
      timer.unref();
      read().then(
        (d) => resolve(d),
        (err: unknown) => resolve(failed((err as Error)?.message)),
      ).finally(() => clearTimeout(timer));
    }).finally(() => {
      reading = null;
    }));
}
