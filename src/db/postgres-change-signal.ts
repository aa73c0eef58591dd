import pg from 'pg';
import type { Logger } from 'pino';
import { ChangeListeners, type ChangeSignal, type ChangedTables } from './change-signal.ts';
import { ListenerBarriers } from './listener-barriers.ts';
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
 * changed unheard. While a barrier is late check() is false too, but the
 * connection and the caches are kept (listener-barriers.ts).
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
  /** The current connection's barriers (listener-barriers.ts): made anew with each connection. */
  private barrierSet: ListenerBarriers | undefined;
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
    return this.listening && this.barrierSet?.onTime === true;
  }

  /**
   * Resolves once every notification committed before `since` (default: the
   * call) has been heard: a barrier on the listening connection sent after
   * `since`, shared by every caller it serves (listener-barriers.ts). Never
   * rejects (a lost or late connection makes check() false instead).
   */
  sync(since: number = performance.now()): Promise<void> {
    return this.listening && this.barrierSet ? this.barrierSet.sync(since) : RESOLVED;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    this.drop = undefined;
    this.barrierSet?.abandon();
    this.barrierSet = undefined;
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
    const timeoutMs = this.options.barrierTimeoutMs ?? 2_000;
    let gone = false;
    let barriers: ListenerBarriers | undefined;
    const lost = (err?: Error) => {
      if (gone) return;
      gone = true;
      if (this.client === client) this.client = undefined;
      const wasListening = this.listening;
      this.listening = false;
      if (this.drop === lost) this.drop = undefined;
      clearInterval(this.heartbeat);
      // Its barriers' callers go on (check() is false now); the next connection has barriers of its own.
      barriers?.abandon();
      if (this.barrierSet === barriers) this.barrierSet = undefined;
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
    barriers = new ListenerBarriers(client, lost, {
      lateAfterMs: timeoutMs,
      lostAfterMs: this.options.lostAfterMs ?? 5 * timeoutMs,
      ...(this.options.log ? { log: this.options.log } : {}),
      onSent: () => void this.barrierCount++,
    });
    this.barrierSet = barriers;
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
