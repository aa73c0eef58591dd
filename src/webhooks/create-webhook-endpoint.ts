import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { isUniqueViolation } from '../db/dialect.ts';
import { ValidationError } from '../errors.ts';
import { authorizeWebhooks } from './authorize-webhook-manager.ts';
import { DUPLICATE_WEBHOOK_URL, parseWebhookEndpointInput, type WebhookEndpointInput } from './webhook-endpoint-input.ts';
import { newWebhookSecret } from './webhook-secret.ts';

export interface WebhookContext {
  db: Kysely<Database>;
  clock: Clock;
  config: Pick<Config, 'webhooks'>;
}

/**
 * Register an endpoint, active at once, with a signing secret made here.
 * It hears about events from now on (none from before). One endpoint per
 * address: the unique index decides between two registrations at once.
 */
export async function createWebhookEndpoint(ctx: WebhookContext, actor: Principal, input: WebhookEndpointInput): Promise<{ id: string; url: string }> {
  authorizeWebhooks(actor, 'webhooks:manage');
  const f = parseWebhookEndpointInput(ctx.config.webhooks, input);
  const now = ctx.clock.now().toISOString();
  const id = randomUUID();
  const who = auditActor(actor);
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const taken = await trx.selectFrom('webhook_endpoints').select('id').where('url', '=', f.url).executeTakeFirst();
      if (taken) throw new ValidationError({ url: DUPLICATE_WEBHOOK_URL });
      await trx
        .insertInto('webhook_endpoints')
        .values({ id, url: f.url, description: f.description, events: f.events.join(' '), secret: newWebhookSecret(), created_at: now, created_by_label: who.actorLabel, updated_at: now, disabled_at: null, revision: 0 })
        .execute();
      await recordAuditEvent(trx, { action: 'webhook-endpoint.created', at: new Date(now), ...who, customerId: null, targetLabel: f.url, detail: { endpointId: id, description: f.description, events: f.events } });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError({ url: DUPLICATE_WEBHOOK_URL });
    throw err;
  }
  return { id, url: f.url };
}
