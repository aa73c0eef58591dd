import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import { webhookDepth } from '../webhooks/webhook-depth.ts';
import { OUTBOX_READ_TIMEOUT_MS, registerDepthGauges } from './outbox-metrics.ts';
import { sharedScrapeRead } from './scrape-read.ts';

/**
 * portal_webhook_deliveries_pending, portal_webhook_oldest_pending_age_seconds
 * and portal_webhook_dead_letters, read at scrape time in one query (NaN when
 * the database does not answer in time), like the mail outbox's.
 */
export function registerWebhookMetrics(registry: Registry, deps: { db: Kysely<Database>; clock: Clock; log: Pick<Logger, 'warn'> }): void {
  const read = sharedScrapeRead(() => webhookDepth(deps.db, deps.clock.now()), { timeoutMs: OUTBOX_READ_TIMEOUT_MS, log: deps.log, what: 'the webhook deliveries' });
  registerDepthGauges(registry, read, {
    pending: ['portal_webhook_deliveries_pending', 'Webhook deliveries not delivered yet (new, being tried, waiting for a retry, or held by a paused endpoint).'],
    oldest: ['portal_webhook_oldest_pending_age_seconds', 'How long the oldest pending webhook delivery has waited since its event (0 with none).'],
    dead: ['portal_webhook_dead_letters', 'Webhook deliveries given up on after the last try and not sent again: each needs a look in /proveedor/webhooks.'],
  });
}
