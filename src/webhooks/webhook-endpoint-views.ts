import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { toCount } from '../db/dialect.ts';
import { notFound } from '../errors.ts';
import { isWebhookEventType, type WebhookEventType } from './webhook-events.ts';

/** The last answer an endpoint gave (or the error of the last try): the list's "último envío". */
export interface WebhookLastAttempt {
  at: string;
  status: number | null;
  error: string | null;
  ok: boolean;
}

/** An endpoint as the console shows it: never its secret. */
export interface WebhookEndpointSummary {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  paused: boolean;
  pausedAt: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  revision: number;
  /** Not delivered yet and not given up on: never tried, or waiting for a retry. */
  pending: number;
  /** Of those, tried at least once. */
  retrying: number;
  /** Given up on (dead letters), until sent again. */
  dead: number;
  last: WebhookLastAttempt | null;
}

type EndpointRow = Pick<Database['webhook_endpoints'], 'id' | 'url' | 'description' | 'events' | 'created_at' | 'created_by_label' | 'updated_at' | 'disabled_at'> & { revision: number };

const COLUMNS = ['id', 'url', 'description', 'events', 'created_at', 'created_by_label', 'updated_at', 'disabled_at', 'revision'] as const;

/** Every endpoint, the newest first, with its waiting and dead counts and its last try. */
export async function listWebhookEndpoints(db: Kysely<Database>): Promise<WebhookEndpointSummary[]> {
  const rows = await db.selectFrom('webhook_endpoints').select(COLUMNS).orderBy('created_at', 'desc').orderBy('id').execute();
  return summarize(db, rows);
}

/** One endpoint, or 404. */
export async function webhookEndpointSummary(db: Kysely<Database>, id: string): Promise<WebhookEndpointSummary> {
  const row = await db.selectFrom('webhook_endpoints').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound();
  return (await summarize(db, [row]))[0]!;
}

async function summarize(db: Kysely<Database>, rows: EndpointRow[]): Promise<WebhookEndpointSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // Two narrow counts rather than one pass over every delivery: the undelivered and dead rows are the few, delivered ones pile up.
  const [open, dead, lasts] = await Promise.all([
    db
      .selectFrom('webhook_deliveries')
      .select((eb) => ['endpoint_id', eb.fn.countAll().as('n'), eb.fn.sum<number>(eb.case().when('attempts', '>', 0).then(1).else(0).end()).as('tried')])
      .where('endpoint_id', 'in', ids)
      .where('delivered_at', 'is', null)
      .where('dead_at', 'is', null)
      .groupBy('endpoint_id')
      .execute(),
    db
      .selectFrom('webhook_deliveries')
      .select((eb) => ['endpoint_id', eb.fn.countAll().as('n')])
      .where('endpoint_id', 'in', ids)
      .where('dead_at', 'is not', null)
      .groupBy('endpoint_id')
      .execute(),
    // The console lists a handful of endpoints: one short ordered read each, through the attempts' (delivery_id, at) index.
    Promise.all(ids.map((id) => lastAttempt(db, id))),
  ]);
  const openBy = new Map(open.map((r) => [r.endpoint_id, { n: toCount(r.n), tried: toCount(r.tried) }]));
  const deadBy = new Map(dead.map((r) => [r.endpoint_id, toCount(r.n)]));
  return rows.map((r, i) => ({
    id: r.id,
    url: r.url,
    description: r.description,
    events: r.events.split(' ').filter(isWebhookEventType),
    paused: r.disabled_at !== null,
    pausedAt: r.disabled_at,
    createdAt: r.created_at,
    createdBy: r.created_by_label,
    updatedAt: r.updated_at,
    revision: Number(r.revision),
    pending: openBy.get(r.id)?.n ?? 0,
    retrying: openBy.get(r.id)?.tried ?? 0,
    dead: deadBy.get(r.id) ?? 0,
    last: lasts[i] ?? null,
  }));
}

async function lastAttempt(db: Kysely<Database>, endpointId: string): Promise<WebhookLastAttempt | null> {
  const a = await db
    .selectFrom('webhook_delivery_attempts as a')
    .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
    .select(['a.at', 'a.status', 'a.error'])
    .where('d.endpoint_id', '=', endpointId)
    .orderBy('a.at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!a) return null;
  const status = a.status === null ? null : Number(a.status);
  return { at: a.at, status, error: a.error, ok: status !== null && status >= 200 && status < 300 };
}
