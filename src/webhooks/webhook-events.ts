import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { WebhookData } from './webhook-payloads.ts';

/** What the portal tells the vendor's systems about (issue 11). Adding one here offers it in the console. */
export const WEBHOOK_EVENT_TYPES = [
  'customer.created',
  'customer.disabled',
  'contract.created',
  'contract.started',
  'contract.ending',
  'contract.ended',
  'user.created',
  'user.disabled',
  'article.published',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_EVENT_LABEL: Record<WebhookEventType, string> = {
  'customer.created': 'Cliente creado',
  'customer.disabled': 'Cliente deshabilitado',
  'contract.created': 'Contrato creado',
  'contract.started': 'Contrato comienza (su primer día, hora de Chile)',
  'contract.ending': 'Contrato termina en 30 días',
  'contract.ended': 'Contrato terminado',
  'user.created': 'Usuario creado',
  'user.disabled': 'Usuario deshabilitado',
  'article.published': 'Artículo de ayuda publicado',
};

export function isWebhookEventType(s: string): s is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(s);
}

/** "msg_" and 24 random bytes: the Standard Webhooks message id (webhook-id), the same on every try. */
export function newWebhookMessageId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`;
}

/**
 * The active endpoints, read once per transaction: an import emits thousands
 * of events in one, and the endpoints it sees are those of its first event
 * (on SQLite nothing else commits meanwhile; on PostgreSQL an endpoint
 * registered meanwhile starts with the next change). Outside a transaction
 * it is read every time.
 */
const endpointsOfTransaction = new WeakMap<object, Promise<Array<{ id: string; events: string[] }>>>();

function activeEndpoints(trx: Kysely<Database>): Promise<Array<{ id: string; events: string[] }>> {
  const read = () =>
    trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'events'])
      .where('disabled_at', 'is', null)
      .execute()
      .then((rows) => rows.map((e) => ({ id: e.id, events: e.events.split(' ') })));
  if (!trx.isTransaction) return read();
  let p = endpointsOfTransaction.get(trx);
  if (!p) {
    p = read();
    endpointsOfTransaction.set(trx, p);
    // A failed read is not remembered: the caller's transaction fails with it anyway.
    p.catch(() => endpointsOfTransaction.delete(trx));
  }
  return p;
}

export interface EmitOptions {
  /** At most one event with this key, ever (a dated event: "contract.started:<contract id>"); a second emit is a no-op. */
  dedupeKey?: string;
}

/**
 * Record an event and one delivery per endpoint subscribed to it now. Call
 * it with the transaction of the change it reports (the outbox pattern):
 * the event exists if and only if the change does. The delivery worker
 * sends it afterwards. Returns the event's id, or null when `dedupeKey`
 * was already used (or nobody listens and no key asks it to be kept).
 */
export async function emitWebhookEvent<T extends WebhookEventType>(
  trx: Kysely<Database>,
  type: T,
  data: WebhookData[T],
  now: Date,
  opts: EmitOptions = {},
): Promise<string | null> {
  const listening = (await activeEndpoints(trx)).filter((e) => e.events.includes(type));
  // Nobody listens and nothing to remember: no row at all (the common case for a vendor without webhooks).
  if (listening.length === 0 && !opts.dedupeKey) return null;
  const id = newWebhookMessageId();
  const at = now.toISOString();
  const inserted = await trx
    .insertInto('webhook_events')
    .values({ id, type, payload: JSON.stringify({ type, timestamp: at, data }), created_at: at, dedupe_key: opts.dedupeKey ?? null })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 1) === 0) return null;
  if (listening.length > 0) {
    await trx
      .insertInto('webhook_deliveries')
      .values(listening.map((e) => ({ id: randomUUID(), event_id: id, endpoint_id: e.id, created_at: at, attempts: 0, next_attempt_at: at, locked_until: null, locked_by: null, delivered_at: null, dead_at: null, last_status: null, last_error: null })))
      .execute();
  }
  return id;
}
