import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/schema.ts';
import type { MailTransport } from './transport.ts';

const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 60 * 60_000;

/** 5 s, 10 s, 20 s … capped at one hour: a long outage delays mail, never drops it. */
export function backoffMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

export interface OutboxWorkerOptions {
  db: Kysely<Database>;
  transport: MailTransport;
  from: string;
  clock: Clock;
  log: Logger;
  pollMs?: number;
  retryBaseMs?: number;
  batchSize?: number;
}

/**
 * Sends what the outbox holds. A row is claimed with a lease (so two workers,
 * or a crash mid-send, never deliver it twice in normal operation), sent, then
 * marked sent; a failure records the error and schedules the next attempt.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeRequested = false;

  constructor(private readonly o: OutboxWorkerOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Run a pass soon: a new message was queued. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over due messages; returns how many were delivered. */
  async runOnce(): Promise<number> {
    const { db, clock, batchSize = 20 } = this.o;
    const now = clock.now().toISOString();
    const due = await db
      .selectFrom('outbox')
      .selectAll()
      .where('sent_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(batchSize)
      .execute();
    let delivered = 0;
    for (const row of due) {
      const lease = new Date(clock.now().getTime() + LEASE_MS).toISOString();
      const claimed = await db
        .updateTable('outbox')
        .set({ locked_until: lease })
        .where('id', '=', row.id)
        .where('sent_at', 'is', null)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      try {
        await this.o.transport.send({
          from: this.o.from,
          to: row.to_address,
          subject: row.subject,
          text: row.text_body,
          html: row.html_body,
          messageId: `<${row.id}@mi-portal>`,
        });
        await db
          .updateTable('outbox')
          .set({ sent_at: clock.now().toISOString(), locked_until: null, attempts: row.attempts + 1, last_error: null })
          .where('id', '=', row.id)
          .execute();
        delivered++;
        this.o.log.info({ mailId: row.id, kind: row.kind, transport: this.o.transport.kind }, 'mail delivered');
      } catch (err) {
        const attempts = row.attempts + 1;
        const next = new Date(clock.now().getTime() + backoffMs(attempts, this.o.retryBaseMs ?? 5_000));
        await db
          .updateTable('outbox')
          .set({ attempts, next_attempt_at: next.toISOString(), locked_until: null, last_error: String((err as Error)?.message ?? err).slice(0, 500) })
          .where('id', '=', row.id)
          .execute();
        this.o.log.warn({ mailId: row.id, attempts, nextAttemptAt: next.toISOString(), err: (err as Error)?.message }, 'mail not delivered, will retry');
      }
    }
    return delivered;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref?.();
  }

  private tick(): void {
    if (this.stopped || this.running) return;
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((err) => this.o.log.error({ err }, 'outbox pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const again = this.wakeRequested;
        this.wakeRequested = false;
        this.schedule(again ? 0 : this.o.pollMs ?? 2_000);
      });
  }
}
