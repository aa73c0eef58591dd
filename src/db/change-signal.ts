/**
 * Tells the caches that span requests (cache/shared-cache.ts) that data they
 * may hold has changed: a write in this process, on another instance, or
 * from the operator CLI. Lives beside the database, not in the web layer:
 * the core says "this changed", whoever caches listens (review item 1).
 *
 * - SQLite: the pageDataWrites plugin reports this process's writes, by
 *   table; PRAGMA data_version, read in check(), tells that another process
 *   committed (which tables, it cannot say: "all").
 * - PostgreSQL: see postgres-change-signal.ts (LISTEN/NOTIFY, sent by
 *   triggers inside the writing transaction).
 *
 * A cache serving a kept value first awaits sync(since) where the signal has
 * one (PostgreSQL): then a commit that returned before the request was sent
 * has been heard. The request's first round trip (the session lookup) is not
 * enough on its own: another connection's answer can beat the notification
 * (decision 0020). SQLite's check() reads data_version, which is exact.
 *
 * `since` is when the request arrived (performance.now(), web/middleware/
 * request-context.ts). A commit that returned before the request was sent
 * finished before that instant, so any barrier (or data_version read) made
 * after it covers every lookup of the request, and of every request that
 * arrived before it was made: one per request at most, shared under load.
 * Without `since` (jobs, the CLI, tests) it is "now": a fresh one.
 */
export type ChangedTables = ReadonlySet<string> | 'all';

export interface ChangeSignal {
  /** `listener` runs with the tables written, or 'all' when the signal cannot tell which. Returns the unsubscribe. */
  subscribe(listener: (tables: ChangedTables) => void): () => void;
  /**
   * Called before a cache serves or stores. Picks up what polling finds
   * (SQLite: another process's commit). False while the signal cannot vouch
   * for anything (PostgreSQL: the listening connection is down): serve
   * nothing from a cache and store nothing.
   */
  check(since?: number): boolean;
  /**
   * Resolves once every change committed before `since` (a performance.now()
   * reading; default: the call) has been told to the listeners (absent:
   * check() already knows). Never rejects.
   */
  sync?(since?: number): Promise<void>;
  /** PostgreSQL: whether the listening connection is up now (for /metrics); absent where there is none. */
  readonly connected?: boolean;
  close(): Promise<void>;
}

/** The part every signal shares: listeners, and telling them. */
export class ChangeListeners {
  private readonly listeners = new Set<(tables: ChangedTables) => void>();

  subscribe(listener: (tables: ChangedTables) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(tables: ChangedTables): void {
    for (const l of this.listeners) l(tables);
  }
}

/**
 * SQLite (one file, this process and maybe the CLI): this process's writes
 * are reported as they happen; another process's commits are seen when
 * data_version moves.
 */
export class SqliteChangeSignal implements ChangeSignal {
  private readonly listeners = new ChangeListeners();
  private lastVersion: number;
  /** When data_version was last read (performance.now(), taken before the read). */
  private readAt: number;

  constructor(private readonly dataVersion: () => number) {
    this.readAt = performance.now();
    this.lastVersion = dataVersion();
  }

  subscribe(listener: (tables: ChangedTables) => void): () => void {
    return this.listeners.subscribe(listener);
  }

  /** A write of this process to `table` (undefined: a statement whose table the plugin could not name). */
  written(table: string | undefined): void {
    this.listeners.emit(table ? new Set([table]) : 'all');
  }

  /** A read made after `since` has seen every commit before it: one read per request is enough, however many caches it asks. */
  check(since: number = performance.now()): boolean {
    if (this.readAt > since) return true;
    this.readAt = performance.now();
    const v = this.dataVersion();
    if (v !== this.lastVersion) {
      this.lastVersion = v;
      this.listeners.emit('all');
    }
    return true;
  }

  async close(): Promise<void> {}
}

/** A signal that vouches for nothing: every cache passes straight to the database (the CLI: it keeps none). */
export class NoChangeSignal implements ChangeSignal {
  subscribe(): () => void {
    return () => {};
  }

  written(): void {}

  check(): boolean {
    return false;
  }

  async close(): Promise<void> {}
}
