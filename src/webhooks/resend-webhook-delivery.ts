import type { Deps } from '../deps.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor, type Principal } from '../auth/principal.ts';
import { AppError, notFound } from '../errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * "Enviar otra vez": a dead letter, a delivered event the receiver says it
 * lost, or one waiting hours for its next retry goes again now, with the same
 * webhook-id and body (a receiver that has it drops the copy). It gets a new
 * round of tries (attempts back to 0, so WEBHOOK_MAX_ATTEMPTS more before it
 * dies again); the earlier tries stay in its log. Refused, with why, while a
 * try is in flight, when it is already due, or when its endpoint is paused
 * (it would not go). Audited as webhook.resent.
 */
export async function resendWebhookDelivery(deps: Deps, actor: Principal, deliveryId: string): Promise<{ eventId: string; endpointUrl: string }> {
  if (!UUID.test(deliveryId)) throw notFound();
  const { db, clock } = deps;
  const d = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .select(['d.id', 'd.event_id', 'ev.type', 'd.attempts', 'd.delivered_at', 'd.dead_at', 'd.next_attempt_at', 'd.locked_until', 'e.url', 'e.disabled_at'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!d) throw notFound();
  if (d.disabled_at !== null) throw new AppError(409, 'webhook-endpoint-paused', 'Este webhook está pausado: reanúdelo para que sus envíos salgan.');
  const now = clock.now();
  const at = now.toISOString();
  if (d.locked_until !== null && d.locked_until >= at) throw new AppError(409, 'webhook-delivery-in-flight', 'Este envío se está intentando en este momento. Espere unos segundos y vuelva a la lista.');
  if (d.delivered_at === null && d.dead_at === null && d.next_attempt_at <= at) {
    throw new AppError(409, 'webhook-delivery-due', 'Este envío ya está en la cola para salir ahora: saldrá solo en unos segundos.');
  }
  await db.transaction().execute(async (trx) => {
    // Compare-and-swap on what was read: a try that started or finished meanwhile, or a second click, changes nothing.
    const r = await trx
      .updateTable('webhook_deliveries')
      .set({ delivered_at: null, dead_at: null, attempts: 0, next_attempt_at: at, locked_until: null, locked_by: null })
      .where('id', '=', d.id)
      .where((eb) => (d.delivered_at === null ? eb('delivered_at', 'is', null) : eb('delivered_at', '=', d.delivered_at)))
      .where((eb) => (d.dead_at === null ? eb('dead_at', 'is', null) : eb('dead_at', '=', d.dead_at)))
      .where('next_attempt_at', '=', d.next_attempt_at)
      .where('attempts', '=', d.attempts)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError(409, 'webhook-delivery-changed', 'El envío cambió mientras tanto (se intentó o alguien ya lo envió otra vez). Vuelva a la lista.');
    await recordAuditEvent(trx, {
      action: 'webhook.resent', at: now, ...auditActor(actor), customerId: null, targetLabel: `${d.type} → ${d.url}`,
      detail: { deliveryId: d.id, eventId: d.event_id, type: d.type, was: d.delivered_at ? 'delivered' : d.dead_at ? 'dead' : 'retrying', attempts: Number(d.attempts) },
    });
  });
  return { eventId: d.event_id, endpointUrl: d.url };
}
