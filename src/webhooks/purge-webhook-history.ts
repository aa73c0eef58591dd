import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Delete the webhook history older than `before`: deliveries delivered or
 * given up on, with their tries, and then the events no delivery points to
 * any more. A delivery still pending is never touched, however old (a paused
 * endpoint's queue). An event's dedupe key must outlive the days a dated
 * event can still fall due (catch-up days, the 30 days of contract.ending),
 * so the retention is at least 90 days (config.ts). Each table in its own
 * statement: a purge that stops half-way leaves only rows the next one takes.
 */
export async function purgeWebhookHistory(db: Kysely<Database>, before: Date): Promise<{ deliveries: number; events: number }> {
  const cutoff = before.toISOString();
  const done = (eb: ExpressionBuilder<Database, 'webhook_deliveries'>) =>
    eb.and([eb('created_at', '<', cutoff), eb.or([eb('delivered_at', 'is not', null), eb('dead_at', 'is not', null)])]);
  await db.deleteFrom('webhook_delivery_attempts').where('delivery_id', 'in', db.selectFrom('webhook_deliveries').select('id').where(done)).execute();
  const d = await db.deleteFrom('webhook_deliveries').where(done).executeTakeFirst();
  const e = await db
    .deleteFrom('webhook_events')
    .where('created_at', '<', cutoff)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('webhook_deliveries as d').select('d.id').whereRef('d.event_id', '=', 'webhook_events.id'))))
    .executeTakeFirst();
  return { deliveries: Number(d.numDeletedRows), events: Number(e.numDeletedRows) };
}
