import type pg from 'pg';
import type { Logger } from 'pino';

/**
 * The barriers of one listening connection (db/postgres-change-signal.ts):
 * an empty query on it. Its backend was signalled during a writer's commit,
 * before the writer heard "COMMIT", and sends what it has queued before it
 * answers a query that arrives later; so once a barrier sent at instant s is
 * answered, every commit that returned before s has been heard. The
 * request's own first round trip (on a pool connection) is no such barrier:
 * measured, the pool's answer beat the listener's notification for ~15 % of
 * commits on the loaded machine (decision 0020).
 *
 * Made anew for every connection: what the old one answered says nothing of
 * the next.
 */
export interface BarrierOptions {
  /** Not answered within this: late (its callers go on uncached), the connection kept. */
  lateAfterMs: number;
  /** Not answered within this: the connection counts as lost. */
  lostAfterMs: number;
  log?: Pick<Logger, 'warn' | 'info'>;
  /** Each barrier sent (for the signal's count). */
  onSent?: () => void;
}

/** A barrier on the wire: when it was sent, and its callers' promise (settled by the answer, lateness or the loss). */
interface Flight {
  sentAt: number;
  done: Promise<void>;
  settle: () => void;
}

const RESOLVED = Promise.resolve();

export class ListenerBarriers {
  /** The barrier on the wire, and the next one (not sent yet) for callers that need one sent after it. */
  private flying: Flight | undefined;
  private next: Promise<void> | undefined;
  /** The sending time of the latest barrier answered, and of the latest one overdue. */
  private answeredAt = -Infinity;
  private overdueAt = -Infinity;
  /** The last barrier query sent and not answered yet (a late one may still be). */
  private onWire: Promise<unknown> | undefined;
  private abandoned = false;

  constructor(
    private readonly client: pg.Client,
    /** Ends the connection as lost. */
    private readonly lose: (err: Error) => void,
    private readonly options: BarrierOptions,
  ) {}

  /** No barrier overdue beyond the last one answered. */
  get onTime(): boolean {
    return this.answeredAt >= this.overdueAt;
  }

  /**
   * Resolves once every commit made before `since` (performance.now()) has
   * been heard. Any barrier sent after `since` will do: at once if one has
   * been answered, the one on the wire if it was sent after `since`, else the
   * next one, shared by every caller that needs one newer than the wire's.
   * Strictly after: two readings of the clock in different callbacks cannot
   * tell which came first when equal. Never rejects.
   *
   * The next one is sent from setImmediate, once the event loop has parsed
   * every request that arrived with the one asking (they all arrived before
   * it is sent), and not while one is on the wire (one query at a time on a
   * pg client). Sent at the first ask, it served that request alone and the
   * rest of the turn queued another: half a barrier per request on two
   * instances under load, each a round trip and a write (decision 0034).
   */
  sync(since: number): Promise<void> {
    if (this.abandoned || this.answeredAt > since) return RESOLVED;
    const flying = this.flying;
    if (flying && flying.sentAt > since) return flying.done;
    if (this.next) return this.next;
    const next = (flying ? flying.done : RESOLVED)
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        if (this.next === next) this.next = undefined;
        return this.fly();
      });
    this.next = next;
    return next;
  }

  /** The connection is gone: callers waiting go on (the signal's check() is false now), nothing more is sent. */
  abandon(): void {
    this.abandoned = true;
    this.flying?.settle();
    this.flying = this.next = undefined;
  }

  private fly(): Promise<void> {
    if (this.abandoned) return RESOLVED;
    // Taken before the query is handed to the socket: the barrier is sent at this instant or later.
    const sentAt = performance.now();
    this.options.onSent?.();
    let settle!: () => void;
    const flight: Flight = { sentAt, done: new Promise<void>((r) => (settle = r)), settle: () => settle() };
    // Late (a loaded server or event loop): its callers go on uncached; the connection and the caches are kept, and its answer still counts.
    const late = setTimeout(() => {
      if (this.abandoned) return;
      if (this.onTime) this.options.log?.warn({ ms: this.options.lateAfterMs }, 'change notifications: a barrier is late: shared caches bypassed until it is answered');
      this.overdueAt = Math.max(this.overdueAt, sentAt);
      flight.settle();
    }, this.options.lateAfterMs);
    const lost = setTimeout(() => this.lose(new Error('change notifications: no answer to a barrier')), this.options.lostAfterMs);
    late.unref();
    lost.unref();
    // The empty query: the cheapest round trip there is (about 20 µs of CPU here). Behind a late
    // one still on the wire, not beside it: one query at a time on a pg client.
    const wire = this.onWire;
    const answer: Promise<unknown> = wire ? wire.then(() => this.client.query('')) : this.client.query('');
    this.onWire = answer;
    const off = () => {
      if (this.onWire === answer) this.onWire = undefined;
    };
    answer.then(off, off);
    answer.then(
      () => {
        clearTimeout(late);
        clearTimeout(lost);
        if (!this.abandoned) {
          if (!this.onTime && sentAt >= this.overdueAt) this.options.log?.info({}, 'change notifications: the late barrier was answered: shared caches on again');
          this.answeredAt = Math.max(this.answeredAt, sentAt);
        }
        flight.settle();
      },
      (err: Error) => {
        clearTimeout(late);
        clearTimeout(lost);
        this.lose(err);
        flight.settle();
      },
    );
    this.flying = flight;
    void flight.done.then(() => {
      if (this.flying === flight) this.flying = undefined;
    });
    return flight.done;
  }
}
