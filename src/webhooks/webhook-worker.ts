import { PollingWorker } from '../jobs/polling-worker.ts';
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Database, WebhookDeliveriesTable } from '../db/schema.ts';
import { backoffMs } from '../mail/backoff.ts';
import { postWebhook, type WebhookTry } from './webhook-post.ts';
import { signedHeaders } from './webhook-signature.ts';
import type { WebhookNetworkPolicy } from './webhook-url-policy.ts';

export interface WebhookWorkerOptions {
  db: Kysely<Database>;
  clock: Clock;
  log: Logger;
  policy: WebhookNetworkPolicy;
  /** One try's whole exchange (WEBHOOK_TIMEOUT_SECONDS, 10 s); at most half the lease (config checks it). */
  timeoutMs: number;
  /** Tries before a delivery is dead-lettered (WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry delay, doubling per failure up to maxBackoffMs, with jitter (mail/backoff.ts). */
  retryBaseMs: number;
  maxBackoffMs: number;
  /** How long a claim keeps other workers off a delivery (JOB_LEASE_SECONDS). */
  leaseMs: number;
  pollMs?: number;
  batchSize?: number;
  /** Tries in flight at once per worker: one slow receiver does not hold up the others. */
  concurrency?: number;
  random?: () => number;
}

type Row = Selectable<WebhookDeliveriesTable>;

/**
 * Sends webhook deliveries (the outbox rows emitWebhookEvent writes) to their
 * endpoints, on every instance at once, like the mail worker:
 * - a delivery is claimed by an UPDATE that sets locked_until and a token of
 *   this claim, only where nobody holds it: of two workers, on one process
 *   or two on one PostgreSQL, one gets it. A try is cut at timeoutMs, at most
 *   half the lease, so the claim always outlasts it (no renewal needed);
 * - 2xx: delivered, closed whoever holds the row; anything else: tried again
 *   after a capped, jittered backoff, and after maxAttempts tries dead
 *   (dead_at), until someone sends it again (resend-webhook-delivery.ts);
 * - every try is a row in webhook_delivery_attempts (status, error, duration),
 *   written in the transaction that moves the delivery on;
 * - a delivery whose endpoint is disabled (or gone) is not claimed: it waits,
 *   and goes if the endpoint is enabled again;
 * - a success to an endpoint brings its deliveries waiting for a retry
 *   forward: the receiver is back, no need to wait hours of backoff.
 * Delivery is at least once: a receiver that answered 2xx after the cut, or a
 * process paused past its lease, can get a second copy with the same
 * webhook-id, which the receiver drops. stop() cuts tries in flight (each
 * counted and due again at once) and resolves when they are written down.
 */
export class WebhookWorker extends PollingWorker {
  constructor(private readonly o: WebhookWorkerOptions) {
    super('webhook', o.log, o.pollMs ?? 1_000);
  }

  protected async pass(): Promise<number> {
    const { db, clock, batchSize = 50, concurrency = 4 } = this.o;
    const now = clock.now().toISOString();
    const due = await db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select('d.id')
      .where('d.delivered_at', 'is', null)
      .where('d.dead_at', 'is', null)
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<', now)]))
      .where('e.disabled_at', 'is', null)
      .orderBy('d.next_attempt_at')
      .orderBy('d.created_at')
      .limit(batchSize)
      .execute();
    let delivered = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, due.length) }, async () => {
        while (next < due.length && !this.closing) {
          const { id } = due[next++]!;
          if (await this.deliverOne(id)) delivered++;
        }
      }),
    );
    return delivered;
  }

  /** Claim, send and record one delivery; true when it was delivered. */
  private async deliverOne(id: string): Promise<boolean> {
    const token = randomUUID();
    const row = await this.claim(id, token);
    if (!row) return false;
    const target = await this.o.db
      .selectFrom('webhook_events as ev')
      .innerJoin('webhook_endpoints as e', (j) => j.on('e.id', '=', row.endpoint_id))
      .select(['ev.id as eventId', 'ev.type', 'ev.payload', 'e.url', 'e.secret', 'e.disabled_at'])
      .where('ev.id', '=', row.event_id)
      .executeTakeFirst();
    if (!target || target.disabled_at !== null || this.closing) {
      await this.release(row.id, token);
      return false;
    }
    const controller = new AbortController();
    this.inFlight.add(controller);
    const at = this.o.clock.now();
    let result: WebhookTry;
    try {
      let headers: Record<string, string>;
      try {
        headers = signedHeaders(target.secret, target.eventId, at, target.payload);
      } catch (err) {
        // A secret the signer cannot use (edited by hand in the database): a failed try like any other, said in the log.
        result = { ok: false, status: null, error: `no se pudo firmar: el secreto del webhook no es válido (${(err as Error).message})`, durationMs: 0, interrupted: false };
        return await this.record(row, token, at, result);
      }
      result = await postWebhook(target.url, headers, target.payload, { timeoutMs: this.o.timeoutMs, policy: this.o.policy, signal: controller.signal });
    } finally {
      this.inFlight.delete(controller);
    }
    return this.record(row, token, at, result);
  }

  private async claim(id: string, token: string): Promise<Row | undefined> {
    const now = this.o.clock.now();
    const at = now.toISOString();
    return this.o.db
      .updateTable('webhook_deliveries')
      .set({ locked_until: new Date(now.getTime() + this.o.leaseMs).toISOString(), locked_by: token })
      .where('id', '=', id)
      .where('delivered_at', 'is', null)
      .where('dead_at', 'is', null)
      .where('next_attempt_at', '<=', at)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
      .where(({ exists, selectFrom }) => exists(selectFrom('webhook_endpoints as e').select('e.id').whereRef('e.id', '=', 'webhook_deliveries.endpoint_id').where('e.disabled_at', 'is', null)))
      .returningAll()
      .executeTakeFirst();
  }

  private async release(id: string, token: string): Promise<void> {
    try {
      await this.o.db.updateTable('webhook_deliveries').set({ locked_until: null, locked_by: null }).where('id', '=', id).where('locked_by', '=', token).execute();
    } catch (err) {
      // Then the lease simply runs out.
      this.log.warn({ err, deliveryId: id }, 'releasing a webhook delivery lease failed');
    }
  }

  /**
   * Write the try down and move the delivery on, in one transaction. A
   * success closes the row whoever holds it now (it was delivered); a failure
   * moves it only while this claim still holds it. Tried a few times: a
   * database blip after a 2xx would otherwise send the event again.
   */
  private async record(row: Row, token: string, at: Date, t: WebhookTry): Promise<boolean> {
    const { db, clock, log } = this.o;
    const attempts = row.attempts + 1;
    const error = t.error?.slice(0, 500) ?? null;
    for (let i = 1; ; i++) {
      const now = clock.now();
      try {
        const outcome = await db.transaction().execute(async (trx) => {
          await trx.insertInto('webhook_delivery_attempts').values({ id: randomUUID(), delivery_id: row.id, at: at.toISOString(), status: t.status, error, duration_ms: t.durationMs }).execute();
          if (t.ok) {
            await trx
              .updateTable('webhook_deliveries')
              .set((eb) => ({ delivered_at: now.toISOString(), dead_at: null, attempts: eb('attempts', '+', 1), last_status: t.status, last_error: null, locked_until: null, locked_by: null }))
              .where('id', '=', row.id)
              .where('delivered_at', 'is', null)
              .execute();
            return 'delivered' as const;
          }
          // Cut by stop(): counted, and due again at once (on another instance, or at the next start).
          const dead = !t.interrupted && attempts >= this.o.maxAttempts;
          const nextAt = t.interrupted ? now : new Date(now.getTime() + backoffMs(attempts, this.o.retryBaseMs, this.o.maxBackoffMs, this.o.random));
          await trx
            .updateTable('webhook_deliveries')
            .set({
              attempts,
              last_status: t.status,
              last_error: error,
              locked_until: null,
              locked_by: null,
              ...(dead ? { dead_at: now.toISOString() } : { next_attempt_at: nextAt.toISOString() }),
            })
            .where('id', '=', row.id)
            .where('locked_by', '=', token)
            .execute();
          return dead ? ('dead' as const) : ('retry' as const);
        });
        const ctx = { deliveryId: row.id, eventId: row.event_id, endpointId: row.endpoint_id, attempts, status: t.status, ms: t.durationMs };
        if (outcome === 'delivered') {
          log.info(ctx, 'webhook delivered');
          await this.bringForward(row.endpoint_id).catch((err) => log.warn({ err }, 'bringing webhook deliveries forward failed'));
          return true;
        }
        if (outcome === 'dead') log.error({ ...ctx, err: error }, 'webhook not delivered after the last try: dead-lettered');
        else log.warn({ ...ctx, err: error }, 'webhook not delivered, will retry');
        return false;
      } catch (err) {
        if (i >= 3) {
          log.error({ err, deliveryId: row.id, delivered: t.ok }, t.ok ? 'webhook delivered but not recorded: it will be sent again (same webhook-id)' : 'webhook try not recorded');
          return t.ok;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * i));
      }
    }
  }

  /** The endpoint answers again: its deliveries waiting on a backoff go now. */
  private async bringForward(endpointId: string): Promise<void> {
    const now = this.o.clock.now().toISOString();
    const r = await this.o.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: now })
      .where('endpoint_id', '=', endpointId)
      .where('delivered_at', 'is', null)
      .where('dead_at', 'is', null)
      .where('attempts', '>', 0)
      .where('next_attempt_at', '>', now)
      .executeTakeFirst();
    const n = Number(r.numUpdatedRows);
    if (n > 0) {
      this.log.info({ endpointId, deliveries: n }, 'webhook endpoint answering again: its retries go now');
      this.passAgain();
    }
  }
}
