import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import { webhookDepth, type WebhookDepth } from '../webhooks/webhook-depth.ts';
import { OUTBOX_READ_TIMEOUT_MS } from './outbox-metrics.ts';
import { sharedScrapeRead } from './scrape-read.ts';

/**
 * portal_webhook_deliveries_pending, portal_webhook_oldest_pending_age_seconds
 * and portal_webhook_dead_letters, read at scrape time in one query (NaN when
 * the database does not answer in time), like the mail outbox's.
 */
export function registerWebhookMetrics(registry: Registry, deps: { db: Kysely<Database>; clock: Clock; log: Pick<Logger, 'warn'> }): void {
  const read = sharedScrapeRead(() => webhookDepth(deps.db, deps.clock.now()), { timeoutMs: OUTBOX_READ_TIMEOUT_MS, log: deps.log, what: 'the webhook deliveries' });
  const gauge = (name: string, help: string, pick: (d: WebhookDepth) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const d = await read();
        this.set(d ? pick(d) : Number.NaN);
      },
    });
  gauge('portal_webhook_deliveries_pending', 'Webhook deliveries not delivered yet (new, being tried, waiting for a retry, or held by a paused endpoint).', (d) => d.pending);
  gauge('portal_webhook_oldest_pending_age_seconds', 'How long the oldest pending webhook delivery has waited since its event (0 with none).', (d) => d.oldestPendingAgeSeconds);
  gauge('portal_webhook_dead_letters', 'Webhook deliveries given up on after the last try and not sent again: each needs a look in /proveedor/webhooks.', (d) => d.deadLetters);
}
