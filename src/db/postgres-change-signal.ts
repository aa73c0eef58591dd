import pg from 'pg';
import type { Logger } from 'pino';
import { ChangeListeners, type ChangeSignal, type ChangedTables } from './change-signal.ts';
import { CHANGES_CHANNEL } from './migrations/change-notification-triggers.ts';

export interface PostgresChangeSignalOptions {
  /** The same URL (and search path) as the pool's: the same schema's notifications. */
  connectionString: string;
  searchPath?: string;
  log?: Pick<Logger, 'warn' | 'info'>;
  /** How long one connection attempt may take (a server that does not answer). */
  connectTimeoutMs?: number;
  /** Wait before reconnecting: the first, doubled each failure up to the cap. */
  retryMs?: { first: number; max: number };
  /** A round trip on the idle listening connection this often, so a connection dropped silently (a NAT's idle timeout) is noticed. */
  heartbeatMs?: number;
  /**
   * A barrier or heartbeat not answered within this: its callers go on
   * uncached (check() false) until it is answered; the connection is kept,
   * and so is what the caches hold (a loaded server or event loop answers
   * late, and emptying every cache then would only add load).
   */
  barrierTimeoutMs?: number;
  /** Not answered within this (default 5 × barrierTimeoutMs): the connection counts as lost. */
  lostAfterMs?: number;
}

/** A barrier on the wire: when it was sent, and its callers' promise (settled by the answer, a timeout or the loss). */
interface Flight {
  sentAt: number;
  done: Promise<void>;
  settle: () => void;
}

/**
 * PostgreSQL: the change signal of decision 0020. Triggers (migration 0012)
 * send pg_notify('portal_changes', '<schema>.<table>') inside every writing
 * transaction; PostgreSQL delivers it at commit, to every listening process
 * (every portal instance), whoever wrote: this process, another instance,
 * the CLI, raw SQL. This class holds one connection of its own (not the
 * pool's: a LISTEN lives as long as its connection, and a pooled one would
 * be lent out) and tells the caches which tables changed.
 *
 * While that connection is down nobody hears the commits, so check() is
 * false (caches serve nothing and store nothing); it reconnects by itself
 * and says 'all' once listening again: whatever was cached before may have
 * changed unheard.
 */
const RESOLVED = Promise.resolve();

export class PostgresChangeSignal implements ChangeSignal {
  private readonly listeners = new ChangeListeners();
  private client: pg.Client | undefined;
  private listening = false;
  private closed = false;
  private schema: string | null = null;
  private pid: number | undefined;
  private retryDelay: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Ends the current connection as lost (a barrier or heartbeat that never came back). */
  private drop: ((err: Error) => void) | undefined;
  /** The barrier on the wire, and the one queued behind it for callers that need one sent after it. */
  private flying: Flight | undefined;
  private queued: Promise<void> | undefined;
  /** On this connection: the sending time of the latest barrier answered, and of the latest one overdue. */
  private answeredAt = -Infinity;
  private overdueAt = -Infinity;
  /** The last barrier query sent and not answered yet (a late one may still be). */
  private onWire: Promise<unknown> | undefined;
  /** Whether this outage has been logged already (one line per outage, not per attempt). */
  private outageLogged = false;
  private waiters: Array<() => void> = [];
  private reconnectCount = 0;
  private barrierCount = 0;

  constructor(private readonly options: PostgresChangeSignalOptions) {
    this.retryDelay = this.retry.first;
    void this.connect();
  }

  private get retry() {
    return this.options.retryMs ?? { first: 100, max: 2_000 };
  }

  /** True once listening, false if that takes longer than `timeoutMs` (it keeps trying in the background). */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.listening || this.closed) return this.listening;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
    return this.listening;
  }

  /** Listening now: for /metrics and tests. */
  get connected(): boolean {
    return this.listening;
  }

  /** Times the listening connection came back after being lost. */
  get reconnects(): number {
    return this.reconnectCount;
  }

  /** Barriers sent (heartbeats included): for tests and benchmarks, one per request at most. */
  get barriers(): number {
    return this.barrierCount;
  }

  /** The listening connection's server process (tests end it to simulate a loss). */
  get backendPid(): number | undefined {
    return this.listening ? this.pid : undefined;
  }

  subscribe(listener: (tables: ChangedTables) => void): () => void {
    return this.listeners.subscribe(listener);
  }

  /**
   * A write of this process, as the pageDataWrites plugin sees it: told at
   * once, so this process's next request never waits for the notification.
   * The NOTIFY at commit tells again, which also drops what a concurrent
   * request of this process loaded before the commit.
   */
  written(table: string | undefined): void {
    this.listeners.emit(table ? new Set([table]) : 'all');
  }

  /** Listening, and no barrier overdue beyond the last one answered. */
  check(): boolean {
    return this.listening && this.answeredAt >= this.overdueAt;
  }

  /**
   * Resolves once every notification committed before `since` (default: the
   * call) has been heard. A round trip on the listening connection: its
   * backend was signalled during the writer's commit, before the writer
   * heard "COMMIT", and sends what it has queued before it answers a query
   * that arrives later. The request's own first round trip (on a pool
   * connection) is no such barrier: measured, the pool's answer beat the
   * listener's notification for ~15 % of commits on the loaded machine.
   *
   * Any barrier sent after `since` will do: at once if one has been
   * answered already, the one on the wire if it was sent after `since`,
   * else the next one (one at a time on the wire, every caller that needs
   * a newer one shares it). Sent strictly after: two readings of the clock
   * in different callbacks cannot tell which came first when equal. Never
   * rejects (a lost or late connection makes check() false instead).
   */
  sync(since: number = performance.now()): Promise<void> {
    if (!this.listening || this.answeredAt > since) return RESOLVED;
    const flying = this.flying;
    if (flying && flying.sentAt > since) return flying.done;
    if (!flying) return this.fly();
    if (this.queued) return this.queued;
    const queued = flying.done.then(() => {
      if (this.queued === queued) this.queued = undefined;
      return this.fly();
    });
    this.queued = queued;
    return queued;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    this.drop = undefined;
    this.wake();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 5_000,
      keepAlive: true,
      ...(this.options.searchPath ? { options: `-c search_path=${this.options.searchPath}` } : {}),
    });
    this.client = client;
    let gone = false;
    const lost = (err?: Error) => {
      if (gone) return;
      gone = true;
      if (this.client === client) this.client = undefined;
      const wasListening = this.listening;
      this.listening = false;
      if (this.drop === lost) this.drop = undefined;
      clearInterval(this.heartbeat);
      // What was answered on this connection says nothing of the next; its callers go on (check() is false now).
      this.answeredAt = this.overdueAt = -Infinity;
      this.flying?.settle();
      this.flying = this.queued = this.onWire = undefined;
      client.end().catch(() => {});
      if (this.closed) return;
      // Nothing kept may be trusted from here on; emptied now, not only on return, so it holds no memory meanwhile.
      if (wasListening) this.listeners.emit('all');
      if (!this.outageLogged) {
        this.outageLogged = true;
        const e = err as (Error & { code?: string }) | undefined;
        this.options.log?.warn(
          { code: e?.code, err: e?.message },
          wasListening ? 'change notifications lost: shared caches off until reconnected' : 'change notifications unavailable: shared caches off until connected',
        );
      }
      this.scheduleRetry();
    };
    // A lost connection is an 'error' event (and then 'end'); one nobody listens to would end the process.
    client.on('error', lost);
    client.on('end', () => lost(new Error('connection ended')));
    client.on('notification', (n) => this.notified(n));
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string | null; pid: number }>('select current_schema() as schema, pg_backend_pid() as pid');
      await client.query(`listen ${CHANGES_CHANNEL}`);
      this.schema = rows[0]?.schema ?? null;
      this.pid = rows[0]?.pid;
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (gone || this.closed) return;
    this.listening = true;
    this.retryDelay = this.retry.first;
    if (this.outageLogged) {
      this.reconnectCount++;
      this.options.log?.info({}, 'change notifications listening again: shared caches emptied');
    }
    this.outageLogged = false;
    this.drop = lost;
    this.startHeartbeat();
    // Commits made while nobody listened went unheard: nothing cached before may be trusted.
    this.listeners.emit('all');
    this.wake();
  }

  private notified(n: pg.Notification): void {
    if (n.channel !== CHANGES_CHANNEL || !n.payload) return;
    // The last dot: a table's name has none (notifyChanges takes plain identifiers), a schema's may.
    const dot = n.payload.lastIndexOf('.');
    const schema = n.payload.slice(0, dot);
    // Another portal (or test run) in another schema of the same database: not ours.
    if (this.schema !== null && schema !== this.schema) return;
    this.listeners.emit(new Set([n.payload.slice(dot + 1)]));
  }

  /** A barrier now and then: a connection that died without a word (a NAT's idle timeout) is noticed within a period. */
  private startHeartbeat(): void {
    this.heartbeat = setInterval(() => void this.sync(), this.options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  private fly(): Promise<void> {
    const client = this.client;
    const drop = this.drop;
    if (!client || !drop || !this.listening) return RESOLVED;
    // Taken before the query is handed to the socket: the barrier is sent at this instant or later.
    const sentAt = performance.now();
    this.barrierCount++;
    let settle!: () => void;
    const flight: Flight = { sentAt, done: new Promise<void>((r) => (settle = r)), settle: () => settle() };
    const timeoutMs = this.options.barrierTimeoutMs ?? 2_000;
    // Late: its callers go on uncached, the connection and the caches are kept; an answer still counts.
    const late = setTimeout(() => {
      if (this.drop !== drop) return;
      if (this.answeredAt >= this.overdueAt) this.options.log?.warn({ ms: timeoutMs }, 'change notifications: a barrier is late: shared caches bypassed until it is answered');
      this.overdueAt = Math.max(this.overdueAt, sentAt);
      flight.settle();
    }, timeoutMs);
    const lost = setTimeout(() => drop(new Error('change notifications: no answer to a barrier')), this.options.lostAfterMs ?? 5 * timeoutMs);
    late.unref();
    lost.unref();
    // The empty query: the cheapest round trip there is (about 20 µs of CPU here). Behind a late
    // one still on the wire, not beside it: one query at a time on a pg client.
    const wire = this.onWire;
    const answer: Promise<unknown> = wire ? wire.then(() => client.query('')) : client.query('');
    this.onWire = answer;
    const off = () => {
      if (this.onWire === answer) this.onWire = undefined;
    };
    answer.then(off, off);
    answer.then(
      () => {
        clearTimeout(late);
        clearTimeout(lost);
        if (this.drop === drop) {
          if (this.answeredAt < this.overdueAt && sentAt >= this.overdueAt) this.options.log?.info({}, 'change notifications: the late barrier was answered: shared caches on again');
          this.answeredAt = Math.max(this.answeredAt, sentAt);
        }
        flight.settle();
      },
      (err: Error) => {
        clearTimeout(late);
        clearTimeout(lost);
        drop(err);
        flight.settle();
      },
    );
    this.flying = flight;
    void flight.done.then(() => {
      if (this.flying === flight) this.flying = undefined;
    });
    return flight.done;
  }

  private scheduleRetry(): void {
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.retry.max);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
