import { oneLine } from '../domain/plain-text.ts';
import { PollingWorker } from '../jobs/polling-worker.ts';
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Database, OutboxTable } from '../db/schema.ts';
import { backoffMs, MAX_BACKOFF_MS } from './backoff.ts';
import { fillSecrets, parseSecrets } from './mail-secrets.ts';
import { classifySendFailure, type FailureKind } from './send-failure.ts';
import type { MailTransport } from './transport.ts';

export interface OutboxWorkerOptions {
  db: Kysely<Database>;
  transport: MailTransport;
  from: string;
  clock: Clock;
  log: Logger;
  pollMs?: number;
  /** First retry delay; doubles per failure up to maxBackoffMs, with jitter. */
  retryBaseMs?: number;
  maxBackoffMs?: number;
  batchSize?: number;
  /** How long a claim keeps other workers off a row (60 s). */
  leaseMs?: number;
  /** How often a send in progress extends its lease (a quarter of the lease). */
  renewEveryMs?: number;
  /** A send taking longer than this is cut and retried (2 min; each SMTP wait has its own, shorter timeout). */
  sendTimeoutMs?: number;
  /** The right-hand side of Message-ID (the host of PUBLIC_URL). */
  messageIdDomain?: string;
  /** For the retry jitter; [0, 1). */
  random?: () => number;
}

type Row = Selectable<OutboxTable>;

/** outbox.headers as sent: placeholders filled like the text body's (fillSecrets throws when one has no value). */
function outboxHeaders(stored: string | null, secrets: Record<string, string> | null): { headers?: Record<string, string> } {
  if (!stored) return {};
  const parsed = JSON.parse(stored) as Record<string, string>;
  return { headers: Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, fillSecrets(v, secrets, 'text')])) };
}

/** Why a send was cut short by the worker itself (the AbortSignal's reason). */
class Interrupted extends Error {
  constructor(readonly why: 'stopping' | 'lease-lost' | 'too-slow') {
    super(why);
  }
}

/**
 * Sends what the outbox holds. Delivery is at least once, never "exactly"
 * (no SMTP client can know whether a server that went silent after DATA
 * kept the message); everything here keeps the second copy rare and
 * recognisable:
 * - a row is claimed with a lease held by a token of this claim, renewed while
 *   the send runs, so a slow server never lets a second worker in; a renewal
 *   that finds another owner cuts the send;
 * - every SMTP wait times out well below the lease;
 * - the Message-ID is fixed on the first claim and reused on every retry,
 *   so a receiver can drop a copy it already has.
 * A 5xx answer to the message dead-letters it; other failures are retried
 * with capped, jittered backoff, and a success brings forward the mail that
 * failed only because the server could not be reached. The update that marks
 * a row sent or dead also erases its secrets. stop() cuts sends in flight and
 * releases their leases, so the next instance sends them at once.
 */
export class OutboxWorker extends PollingWorker {
  constructor(private readonly o: OutboxWorkerOptions) {
    super('outbox', o.log, o.pollMs ?? 2_000);
  }

  private get leaseMs() {
    return this.o.leaseMs ?? 60_000;
  }

  protected override stopReason(): unknown {
    return new Interrupted('stopping');
  }

  protected async pass(): Promise<number> {
    const { db, clock, batchSize = 20 } = this.o;
    const now = clock.now().toISOString();
    const due = await db
      .selectFrom('outbox')
      .select('id')
      .where('sent_at', 'is', null)
      .where('dead_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(batchSize)
      .execute();
    let delivered = 0;
    for (const { id } of due) {
      if (this.closing) break;
      const token = randomUUID();
      const claimedAt = performance.now();
      const row = await this.claim(id, token);
      if (!row) continue;
      if (await this.deliver(row, token, claimedAt)) delivered++;
    }
    if (delivered > 0 && !this.closing) await this.bringForward().catch((err) => this.log.warn({ err }, 'bringing mail forward failed'));
    return delivered;
  }

  /** Take the lease on a row if nobody holds it; the row as it is now, or undefined. */
  private async claim(id: string, token: string): Promise<Row | undefined> {
    const { db, clock } = this.o;
    const now = clock.now();
    return db
      .updateTable('outbox')
      .set((eb) => ({
        locked_until: new Date(now.getTime() + this.leaseMs).toISOString(),
        locked_by: token,
        message_id: eb.fn.coalesce('message_id', eb.val(`<${id}@${this.o.messageIdDomain ?? 'mi-portal.invalid'}>`)),
      }))
      .where('id', '=', id)
      .where('sent_at', 'is', null)
      .where('dead_at', 'is', null)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now.toISOString())]))
      .returningAll()
      .executeTakeFirst();
  }

  /** Send one claimed row and write down what happened; true when it was delivered. */
  private async deliver(row: Row, token: string, claimedAt: number): Promise<boolean> {
    const { log, transport } = this.o;
    if (this.closing) {
      await this.release(row.id, token);
      return false;
    }
    const controller = new AbortController();
    this.inFlight.add(controller);
    let settled = false;
    let renewing = false;
    // Renewals that fail or hang (the database away from this process only) must not let the send go on
    // until another instance claims the row: it is cut a sixth of the lease before locked_until, counted
    // on this process's monotonic clock from when the last good renewal (or the claim) was sent.
    let fence: NodeJS.Timeout | undefined;
    const fenceAt = (from: number) => {
      clearTimeout(fence);
      fence = setTimeout(() => {
        if (settled) return;
        log.warn({ mailId: row.id }, 'mail lease not renewed in time (database unreachable?): this send is cut');
        controller.abort(new Interrupted('lease-lost'));
      }, from + this.leaseMs - Math.floor(this.leaseMs / 6) - performance.now());
      fence.unref();
    };
    fenceAt(claimedAt);
    const renew = setInterval(() => {
      if (settled || renewing) return;
      renewing = true;
      const sentAt = performance.now();
      this.renewLease(row.id, token)
        .then((held) => {
          if (held) fenceAt(sentAt);
          else if (!settled) {
            log.warn({ mailId: row.id }, 'mail lease taken by another worker: this send is cut');
            controller.abort(new Interrupted('lease-lost'));
          }
        })
        // The database may be back before the lease runs out: keep sending; the fence bounds the wait.
        .catch((err) => log.warn({ err, mailId: row.id }, 'mail lease renewal failed'))
        .finally(() => (renewing = false));
    }, this.o.renewEveryMs ?? Math.max(10, Math.floor(this.leaseMs / 4)));
    renew.unref();
    const deadline = setTimeout(() => controller.abort(new Interrupted('too-slow')), this.o.sendTimeoutMs ?? 120_000);
    deadline.unref();
    try {
      try {
        const secrets = parseSecrets(row.secrets);
        await transport.send(
          {
            outboxId: row.id,
            from: this.o.from,
            to: row.to_address,
            subject: row.subject,
            text: fillSecrets(row.text_body, secrets, 'text'),
            html: fillSecrets(row.html_body, secrets, 'html'),
            messageId: row.message_id!,
            ...outboxHeaders(row.headers, secrets),
          },
          controller.signal,
        );
      } finally {
        settled = true;
        clearInterval(renew);
        clearTimeout(fence);
        clearTimeout(deadline);
      }
    } catch (err) {
      const reason: unknown = controller.signal.reason;
      if (controller.signal.aborted && reason instanceof Interrupted && reason.why !== 'too-slow') {
        if (reason.why === 'stopping') await this.release(row.id, token);
        log.info({ mailId: row.id, why: reason.why }, 'mail send interrupted; it goes again with the same Message-ID');
        return false;
      }
      const kind: FailureKind = reason instanceof Interrupted ? 'connection' : classifySendFailure(err);
      const message = reason instanceof Interrupted ? 'el envío tardó demasiado y se cortó' : String((err as Error)?.message ?? err);
      await this.recordFailure(row, token, kind, message);
      return false;
    } finally {
      this.inFlight.delete(controller);
    }
    await this.markSent(row.id);
    log.info({ mailId: row.id, kind: row.kind, transport: transport.kind, messageId: row.message_id }, 'mail delivered');
    return true;
  }

  private async renewLease(id: string, token: string): Promise<boolean> {
    const r = await this.o.db
      .updateTable('outbox')
      .set({ locked_until: new Date(this.o.clock.now().getTime() + this.leaseMs).toISOString() })
      .where('id', '=', id)
      .where('locked_by', '=', token)
      .where('sent_at', 'is', null)
      .where('dead_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Give the row back untouched (due at once) for another instance or the next start. */
  private async release(id: string, token: string): Promise<void> {
    try {
      await this.o.db.updateTable('outbox').set({ locked_until: null, locked_by: null }).where('id', '=', id).where('locked_by', '=', token).execute();
    } catch (err) {
      // Then the lease simply runs out.
      this.log.warn({ err, mailId: id }, 'releasing a mail lease failed');
    }
  }

  /**
   * Sent: whoever holds the lease now, the message went out, so the row is
   * closed and its secrets erased in the same update. Tried a few times: a
   * database blip here would otherwise send the mail again.
   */
  private async markSent(id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.o.db
          .updateTable('outbox')
          .set((eb) => ({
            sent_at: this.o.clock.now().toISOString(),
            locked_until: null,
            locked_by: null,
            attempts: eb('attempts', '+', 1),
            last_error: null,
            last_error_kind: null,
            secrets: null,
          }))
          .where('id', '=', id)
          .where('sent_at', 'is', null)
          .execute();
        return;
      } catch (err) {
        if (attempt >= 3) {
          this.log.error({ err, mailId: id }, 'mail delivered but not marked sent: it will be sent again (same Message-ID)');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  private async recordFailure(row: Row, token: string, kind: FailureKind, message: string): Promise<void> {
    const { db, clock, log } = this.o;
    const now = clock.now();
    const attempts = row.attempts + 1;
    // One printable line: a server's words may hold a NUL, which PostgreSQL refuses in text (the failure would never be written down).
    const lastError = oneLine(message).slice(0, 500);
    if (kind === 'permanent') {
      await db
        .updateTable('outbox')
        .set({ attempts, dead_at: now.toISOString(), locked_until: null, locked_by: null, last_error: lastError, last_error_kind: kind, secrets: null })
        .where('id', '=', row.id)
        .where('locked_by', '=', token)
        .execute();
      log.error({ mailId: row.id, kind: row.kind, attempts, err: lastError }, 'mail refused for good: dead-lettered, not retried');
      return;
    }
    const next = new Date(now.getTime() + backoffMs(attempts, this.o.retryBaseMs ?? 5_000, this.o.maxBackoffMs ?? MAX_BACKOFF_MS, this.o.random));
    await db
      .updateTable('outbox')
      .set({ attempts, next_attempt_at: next.toISOString(), locked_until: null, locked_by: null, last_error: lastError, last_error_kind: kind })
      .where('id', '=', row.id)
      .where('locked_by', '=', token)
      .execute();
    log.warn({ mailId: row.id, attempts, failure: kind, nextAttemptAt: next.toISOString(), err: lastError }, 'mail not delivered, will retry');
  }

  /** The server takes mail again: what waited only because it could not be reached goes now, not at its backoff. */
  private async bringForward(): Promise<void> {
    const now = this.o.clock.now().toISOString();
    const r = await this.o.db
      .updateTable('outbox')
      .set({ next_attempt_at: now })
      .where('sent_at', 'is', null)
      .where('dead_at', 'is', null)
      .where('last_error_kind', '=', 'connection')
      .where('next_attempt_at', '>', now)
      .executeTakeFirst();
    const n = Number(r.numUpdatedRows);
    if (n > 0) {
      this.log.info({ mails: n }, 'mail server reachable again: retrying now the mail that could not reach it');
      this.passAgain();
    }
  }
}
