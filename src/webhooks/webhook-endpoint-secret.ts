import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { notFound } from '../errors.ts';
import { authorizeWebhooks } from './authorize-webhook-manager.ts';
import type { WebhookContext } from './create-webhook-endpoint.ts';
import { newWebhookSecret } from './webhook-secret.ts';

/**
 * An endpoint's signing secret, for the person configuring the receiver.
 * Shown on demand (decision 0029), never on a page by itself: each showing
 * is a POST of an administrator with a fresh second factor, and it is in
 * the audit trail, so a copy that leaks has a name and a time.
 */
export async function showWebhookSecret(ctx: WebhookContext, actor: Principal, id: string): Promise<{ url: string; secret: string }> {
  authorizeWebhooks(actor, 'webhooks:manage');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('webhook_endpoints').select(['url', 'secret']).where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound();
    await recordAuditEvent(trx, { action: 'webhook-endpoint.secret-shown', at: now, ...auditActor(actor), customerId: null, targetLabel: row.url, detail: { endpointId: id } });
    return { url: row.url, secret: row.secret };
  });
}

/**
 * A new signing secret, in force at once: every try from now on (retries of
 * deliveries already queued too) is signed with it, and the old one signs
 * nothing more. For a secret that leaked, or a receiver being rebuilt.
 */
export async function rotateWebhookSecret(ctx: WebhookContext, actor: Principal, id: string): Promise<{ url: string; secret: string }> {
  authorizeWebhooks(actor, 'webhooks:manage');
  const now = ctx.clock.now();
  const secret = newWebhookSecret();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('webhook_endpoints').select('url').where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound();
    await trx.updateTable('webhook_endpoints').set({ secret }).where('id', '=', id).execute();
    await recordAuditEvent(trx, { action: 'webhook-endpoint.secret-rotated', at: now, ...auditActor(actor), customerId: null, targetLabel: row.url, detail: { endpointId: id } });
    return { url: row.url, secret };
  });
}
