import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { AppError, notFound, ValidationError } from '../errors.ts';
import { authorizeWebhooks } from './authorize-webhook-manager.ts';
import type { WebhookContext } from './create-webhook-endpoint.ts';
import { DUPLICATE_WEBHOOK_URL, parseWebhookEndpointInput, type WebhookEndpointInput } from './webhook-endpoint-input.ts';

export const WEBHOOK_CHANGED_MEANWHILE =
  'Otra persona cambió este webhook mientras usted lo editaba. Revise cómo quedó y vuelva a escribir su cambio.';

/** A change the form was built on a stale copy of: 409, shown above the form with the current values. */
export const webhookChangedMeanwhile = () => new AppError(409, 'webhook-changed-meanwhile', WEBHOOK_CHANGED_MEANWHILE);

/**
 * Change an endpoint's address, description and events. `revision` is the
 * one the form was read at: a change made meanwhile refuses this one
 * instead of being undone by it. Deliveries already queued go to the new
 * address on their next try (the worker reads it when it sends); events it
 * no longer listens to stop being queued for it from now on.
 */
export async function changeWebhookEndpoint(
  ctx: WebhookContext,
  actor: Principal,
  id: string,
  input: WebhookEndpointInput & { revision: number },
): Promise<{ changed: boolean; url: string }> {
  authorizeWebhooks(actor, 'webhooks:manage');
  const f = parseWebhookEndpointInput(ctx.config.webhooks, input);
  const now = ctx.clock.now();
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('webhook_endpoints').select(['url', 'description', 'events', 'revision']).where('id', '=', id).executeTakeFirst();
      if (!before) throw notFound();
      if (Number(before.revision) !== input.revision) throw webhookChangedMeanwhile();
      const events = f.events.join(' ');
      if (before.url === f.url && before.description === f.description && before.events === events) return { changed: false, url: f.url };
      const taken = await trx.selectFrom('webhook_endpoints').select('id').where('url', '=', f.url).where('id', '!=', id).executeTakeFirst();
      if (taken) throw new ValidationError({ url: DUPLICATE_WEBHOOK_URL });
      // The revision in the WHERE as well: of two changes read at the same revision, the second one here updates nothing.
      const r = await trx
        .updateTable('webhook_endpoints')
        .set({ url: f.url, description: f.description, events, updated_at: now.toISOString(), revision: input.revision + 1 })
        .where('id', '=', id)
        .where('revision', '=', input.revision)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw webhookChangedMeanwhile();
      await recordAuditEvent(trx, {
        action: 'webhook-endpoint.changed',
        at: now,
        ...auditActor(actor),
        customerId: null,
        targetLabel: f.url,
        detail: { endpointId: id, before: { url: before.url, description: before.description, events: before.events.split(' ') }, after: { url: f.url, description: f.description, events: f.events } },
      });
      return { changed: true, url: f.url };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError({ url: DUPLICATE_WEBHOOK_URL });
    throw err;
  }
}
