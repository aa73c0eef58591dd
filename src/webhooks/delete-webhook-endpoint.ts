import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { AppError, notFound } from '../errors.ts';
import { authorizeWebhooks } from './authorize-webhook-manager.ts';
import type { WebhookContext } from './create-webhook-endpoint.ts';

export const PAUSE_BEFORE_DELETE = 'Pause el webhook antes de eliminarlo: así ningún aviso queda a medio enviar.';
export const DELIVERY_IN_FLIGHT = 'Se está enviando un aviso a este webhook en este momento. Espere un minuto y vuelva a intentarlo.';

/**
 * Delete an endpoint with its deliveries and their attempts (decision 0029).
 *
 * Only a paused one, with no try under way: paused, the worker claims
 * nothing more for it, so nothing is being written about it while it goes.
 * Its queued and dead deliveries go with it (nobody is left to send them
 * to); the audit trail keeps what it was and how many of each it had, and
 * the events themselves stay (other endpoints may have received them).
 * A paused endpoint keeps its whole log: pause, not delete, to keep it.
 */
export async function deleteWebhookEndpoint(ctx: WebhookContext, actor: Principal, id: string): Promise<{ url: string }> {
  authorizeWebhooks(actor, 'webhooks:manage');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('webhook_endpoints').select(['url', 'description', 'events', 'disabled_at']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound();
    if (row.disabled_at === null) throw new AppError(409, 'webhook-active', PAUSE_BEFORE_DELETE);
    const inFlight = await trx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('endpoint_id', '=', id)
      .where('delivered_at', 'is', null)
      .where('dead_at', 'is', null)
      .where('locked_until', '>', now.toISOString())
      .executeTakeFirst();
    if (inFlight) throw new AppError(409, 'webhook-delivery-in-flight', DELIVERY_IN_FLIGHT);
    const deliveries = await trx.selectFrom('webhook_deliveries').select(['delivered_at', 'dead_at']).where('endpoint_id', '=', id).execute();
    await trx.deleteFrom('webhook_delivery_attempts').where('delivery_id', 'in', trx.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id)).execute();
    await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
    // Of two deletes at once, the second finds nothing left here: 404, as if it had come after.
    const r = await trx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound();
    await recordAuditEvent(trx, {
      action: 'webhook-endpoint.deleted',
      at: now,
      ...auditActor(actor),
      customerId: null,
      targetLabel: row.url,
      detail: {
        endpointId: id,
        description: row.description,
        events: row.events.split(' '),
        deliveries: {
          delivered: deliveries.filter((d) => d.delivered_at !== null).length,
          dead: deliveries.filter((d) => d.dead_at !== null).length,
          pending: deliveries.filter((d) => d.delivered_at === null && d.dead_at === null).length,
        },
      },
    });
    return { url: row.url };
  });
}
