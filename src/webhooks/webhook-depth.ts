import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { depthOf } from '../mail/outbox-depth.ts';

export interface WebhookDepth {
  /** Deliveries not delivered and not given up on (new, being tried, waiting for a retry, or held by a paused endpoint). */
  pending: number;
  /** How long the oldest pending delivery has waited since its event, 0 with none. */
  oldestPendingAgeSeconds: number;
  /** Given up on after the last try and not sent again: each needs a look in the console's delivery log. */
  deadLetters: number;
}

/** In one statement over the undelivered rows only (the webhook_deliveries_due index leads with delivered_at), for /metrics. */
const WEBHOOK_DEPTH = sql<{ pending: number | string; oldest: string | null; dead: number | string }>`
  select
    count(case when dead_at is null then 1 end) as pending,
    min(case when dead_at is null then created_at end) as oldest,
    count(case when dead_at is not null then 1 end) as dead
  from webhook_deliveries
  where delivered_at is null`;

export async function webhookDepth(db: Kysely<Database>, now: Date): Promise<WebhookDepth> {
  const { rows } = await WEBHOOK_DEPTH.execute(db);
  return depthOf(rows[0], now);
}
