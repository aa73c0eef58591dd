import type { Kysely } from 'kysely';
import { z } from 'zod';
import { fieldErrors } from '../customers/user-fields.ts';
import type { Database } from '../db/schema.ts';
import { blankAsMissing } from '../domain/filter-input.ts';
import { notFound, ValidationError } from '../errors.ts';

/**
 * The delivery log: what the console's "Envíos" page and a delivery's page
 * read. A delivery is one event for one endpoint; its state follows from its
 * columns:
 * - pendiente: not tried yet (a paused endpoint's wait here);
 * - reintentando: tried, failed, waiting for its next try;
 * - entregado: the receiver answered 2xx;
 * - fallido: given up on after the last try (a dead letter), until sent again.
 */
export const WEBHOOK_DELIVERY_STATES = ['pendiente', 'reintentando', 'entregado', 'fallido'] as const;
export type WebhookDeliveryState = (typeof WEBHOOK_DELIVERY_STATES)[number];

export const WEBHOOK_DELIVERY_STATE_LABEL: Record<WebhookDeliveryState, string> = {
  pendiente: 'Pendiente',
  reintentando: 'Reintentando',
  entregado: 'Entregado',
  fallido: 'Fallido (no se reintenta)',
};

export interface WebhookDeliveryEntry {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  endpointUrl: string;
  createdAt: string;
  state: WebhookDeliveryState;
  attempts: number;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  deadAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
}

export interface WebhookDeliveryAttemptView {
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDeliveryDetail extends WebhookDeliveryEntry {
  endpointPaused: boolean;
  /** The JSON body sent, indented for reading. */
  payload: string;
  attemptsLog: WebhookDeliveryAttemptView[];
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const WebhookDeliveryFilters = z.object({
  endpointId: z.preprocess(blankAsMissing, z.string().regex(ID, 'Elija un webhook de la lista.').optional()),
  state: z.preprocess(blankAsMissing, z.enum(WEBHOOK_DELIVERY_STATES, { error: 'Elija un estado de la lista.' }).optional()),
});

export type WebhookDeliveryFilterInput = Partial<Record<'endpointId' | 'state', string>>;

function stateOf(r: { delivered_at: string | null; dead_at: string | null; attempts: number }): WebhookDeliveryState {
  if (r.delivered_at !== null) return 'entregado';
  if (r.dead_at !== null) return 'fallido';
  return Number(r.attempts) > 0 ? 'reintentando' : 'pendiente';
}

function baseQuery(db: Kysely<Database>) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .select([
      'd.id', 'd.event_id', 'e.type', 'd.endpoint_id', 'w.url', 'd.created_at', 'd.attempts', 'd.next_attempt_at', 'd.delivered_at', 'd.dead_at',
      'd.last_status', 'd.last_error',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function entry(r: Row): WebhookDeliveryEntry {
  const state = stateOf(r);
  return {
    id: r.id, eventId: r.event_id, eventType: r.type, endpointId: r.endpoint_id, endpointUrl: r.url, createdAt: r.created_at, state,
    attempts: Number(r.attempts), nextAttemptAt: state === 'pendiente' || state === 'reintentando' ? r.next_attempt_at : null,
    deliveredAt: r.delivered_at, deadAt: r.dead_at, lastStatus: r.last_status === null ? null : Number(r.last_status), lastError: r.last_error,
  };
}

/** The newest deliveries first, filtered by endpoint and state; a wrong filter is a ValidationError (422), never an empty page. */
export async function listWebhookDeliveries(db: Kysely<Database>, o: WebhookDeliveryFilterInput & { limit?: number; offset?: number } = {}): Promise<WebhookDeliveryEntry[]> {
  const parsed = WebhookDeliveryFilters.safeParse({ endpointId: o.endpointId, state: o.state });
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error), 'Revise los filtros marcados.');
  const f = parsed.data;
  let q = baseQuery(db).orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(o.limit ?? 50).offset(o.offset ?? 0);
  if (f.endpointId) q = q.where('d.endpoint_id', '=', f.endpointId);
  if (f.state === 'entregado') q = q.where('d.delivered_at', 'is not', null);
  if (f.state === 'fallido') q = q.where('d.dead_at', 'is not', null);
  if (f.state === 'pendiente' || f.state === 'reintentando') {
    q = q.where('d.delivered_at', 'is', null).where('d.dead_at', 'is', null).where('d.attempts', f.state === 'pendiente' ? '=' : '>', 0);
  }
  return (await q.execute()).map(entry);
}

/** One delivery with every try and the payload, or 404. */
export async function webhookDeliveryDetail(db: Kysely<Database>, id: string): Promise<WebhookDeliveryDetail> {
  if (!ID.test(id)) throw notFound();
  const r = await baseQuery(db).select(['e.payload', 'w.disabled_at']).where('d.id', '=', id).executeTakeFirst();
  if (!r) throw notFound();
  const attempts = await db.selectFrom('webhook_delivery_attempts').select(['at', 'status', 'error', 'duration_ms']).where('delivery_id', '=', id).orderBy('at').orderBy('id').execute();
  return {
    ...entry(r),
    endpointPaused: r.disabled_at !== null,
    payload: indented(r.payload),
    attemptsLog: attempts.map((a) => ({ at: a.at, status: a.status === null ? null : Number(a.status), error: a.error, durationMs: Number(a.duration_ms) })),
  };
}

function indented(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}
