import { randomUUID } from 'node:crypto';
import { cliOperator } from '../src/auth/principal.ts';
import { createWebhookEndpoint } from '../src/webhooks/create-webhook-endpoint.ts';
import { newWebhookMessageId, type WebhookEventType } from '../src/webhooks/webhook-events.ts';
import type { TestRuntime } from './test-runtime.ts';

export type TestDeliveryState = 'pendiente' | 'reintentando' | 'entregado' | 'fallido';

/** An endpoint registered by the terminal's operator (an https address nobody answers: the worker is not running in these tests). */
export async function createTestEndpoint(rt: TestRuntime, over: { url?: string; description?: string; events?: WebhookEventType[] } = {}): Promise<{ id: string; url: string }> {
  return createWebhookEndpoint(rt.deps, cliOperator('prueba'), {
    url: over.url ?? `https://erp-${randomUUID().slice(0, 8)}.ejemplo.cl/webhooks`,
    description: over.description ?? 'ERP de prueba',
    events: over.events ?? ['customer.created', 'contract.created'],
  });
}

/**
 * An event and its delivery to `endpointId` in the given state, with the
 * tries that state implies, as the worker would have left them: for pages
 * and operations that read the log without sending anything.
 */
export async function queueTestDelivery(rt: TestRuntime, endpointId: string, state: TestDeliveryState, type: WebhookEventType = 'customer.created'): Promise<{ deliveryId: string; eventId: string }> {
  const now = rt.clock.now();
  const at = now.toISOString();
  const eventId = newWebhookMessageId();
  const deliveryId = randomUUID();
  const tries = state === 'pendiente' ? 0 : state === 'entregado' ? 1 : state === 'reintentando' ? 2 : 3;
  const delivered = state === 'entregado';
  await rt.deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_events')
      .values({ id: eventId, type, payload: JSON.stringify({ type, timestamp: at, data: { customer: { id: randomUUID(), rut: '76543210-3', name: 'Cliente de Prueba SpA' } } }), created_at: at, dedupe_key: null })
      .execute();
    await trx
      .insertInto('webhook_deliveries')
      .values({
        id: deliveryId, event_id: eventId, endpoint_id: endpointId, created_at: at, attempts: tries,
        next_attempt_at: state === 'reintentando' ? new Date(now.getTime() + 3_600_000).toISOString() : at,
        locked_until: null, locked_by: null, delivered_at: delivered ? at : null, dead_at: state === 'fallido' ? at : null,
        last_status: tries === 0 ? null : delivered ? 200 : 503, last_error: tries === 0 || delivered ? null : 'El receptor respondió 503',
      })
      .execute();
    for (let i = 0; i < tries; i++) {
      const ok = delivered && i === tries - 1;
      await trx
        .insertInto('webhook_delivery_attempts')
        .values({ id: randomUUID(), delivery_id: deliveryId, at: new Date(now.getTime() - (tries - i) * 60_000).toISOString(), status: ok ? 200 : 503, error: ok ? null : 'El receptor respondió 503', duration_ms: 40 + i })
        .execute();
    }
  });
  return { deliveryId, eventId };
}
