import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import { outboxDepth, type OutboxDepth } from '../mail/outbox-depth.ts';
import { sharedScrapeRead } from './scrape-read.ts';

/**
 * portal_outbox_pending, portal_outbox_oldest_pending_age_seconds and
 * portal_outbox_dead_letters, read at scrape time. The registry collects the
 * three at once, so they share one query: the first to ask starts it, the
 * other two wait for the same answer.
 *
 * When the database does not answer, or not within OUTBOX_READ_TIMEOUT_MS
 * (a pool with no free connection), the scrape still succeeds at once (the
 * process's own metrics and the pool's queue matter most then) and the three
 * gauges say NaN, not a zero that would look like an empty outbox.
 */
export const OUTBOX_READ_TIMEOUT_MS = 2_000;

export function registerOutboxMetrics(registry: Registry, deps: { db: Kysely<Database>; clock: Clock; log: Pick<Logger, 'warn'> }): void {
  const read = sharedScrapeRead(() => outboxDepth(deps.db, deps.clock.now()), { timeoutMs: OUTBOX_READ_TIMEOUT_MS, log: deps.log, what: 'the outbox' });
  registerDepthGauges(registry, read, {
    pending: ['portal_outbox_pending', 'Mail queued and not sent yet (waiting, being sent or waiting for a retry).'],
    oldest: ['portal_outbox_oldest_pending_age_seconds', 'How long the oldest pending mail has waited since it was queued (0 with none).'],
    dead: ['portal_outbox_dead_letters', 'Mail given up on (refused for good or unbuildable) and not discarded by a person: each needs a look in /proveedor/correo.'],
  });
}

/** The three gauges of a queue's depth (the mail outbox, the webhook deliveries), each read at scrape time from one shared read: NaN when it failed. */
export function registerDepthGauges(
  registry: Registry,
  read: () => Promise<OutboxDepth | null>,
  names: Record<'pending' | 'oldest' | 'dead', [name: string, help: string]>,
): void {
  const gauge = ([name, help]: [string, string], pick: (d: OutboxDepth) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const d = await read();
        this.set(d ? pick(d) : Number.NaN);
      },
    });
  gauge(names.pending, (d) => d.pending);
  gauge(names.oldest, (d) => d.oldestPendingAgeSeconds);
  gauge(names.dead, (d) => d.deadLetters);
}
