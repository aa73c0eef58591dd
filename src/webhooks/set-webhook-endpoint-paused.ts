import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { notFound } from '../errors.ts';
import { authorizeWebhooks } from './authorize-webhook-manager.ts';
import type { WebhookContext } from './create-webhook-endpoint.ts';

/**
 * Pause an endpoint (disabled_at) or resume it. Paused, it gets no new
 * deliveries (emitWebhookEvent skips it) and its queued ones wait, untried,
 * until it is resumed: a receiver down for maintenance loses nothing.
 * Pausing twice changes nothing and records nothing. It leaves `revision`
 * alone: an edit opened before the pause is no less right after it.
 */
export async function setWebhookEndpointPaused(ctx: WebhookContext, actor: Principal, id: string, paused: boolean): Promise<{ changed: boolean; url: string }> {
  authorizeWebhooks(actor, 'webhooks:manage');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('webhook_endpoints').select(['url']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound();
    // The state in the WHERE: of two pauses at once, one changes the row and is recorded, the other finds it paused already.
    const r = await trx
      .updateTable('webhook_endpoints')
      .set({ disabled_at: paused ? now.toISOString() : null })
      .where('id', '=', id)
      .where('disabled_at', paused ? 'is' : 'is not', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return { changed: false, url: row.url };
    await recordAuditEvent(trx, { action: paused ? 'webhook-endpoint.disabled' : 'webhook-endpoint.enabled', at: now, ...auditActor(actor), customerId: null, targetLabel: row.url, detail: { endpointId: id } });
    return { changed: true, url: row.url };
  });
}
