import type SQLite from 'better-sqlite3';
import { CompiledQuery, SelectQueryNode, SqliteAdapter, SqliteDialect, type DatabaseConnection, type DialectAdapter, type Driver, type QueryResult, type SqliteDatabase } from 'kysely';
import { databaseBusy } from '../errors.ts';
import { isSqliteBusy, translateSqliteError } from './database-errors.ts';

/**
 * Kysely's SQLite driver, rebuilt for a file that other processes (the
 * operator CLI, a second portal) write to as well:
 *
 * - better-sqlite3 is synchronous, so SQLite's own busy handler would wait
 *   out a lock ON the event loop, freezing every request. The handle runs
 *   with busy_timeout = 0; a statement that meets SQLITE_BUSY is retried
 *   from a timer (1 ms doubling to 50 ms, jittered) until `deadlineMs`, and
 *   then fails as the named 503 `databaseBusy`.
 * - Transactions begin IMMEDIATE: the write lock is taken up front, so a
 *   transaction never reads a snapshot and then fails to upgrade it
 *   (SQLITE_BUSY_SNAPSHOT, which no retry of the statement can cure).
 * - One handle means one transaction at a time: the connection mutex is held
 *   from BEGIN to COMMIT so no other request's statement runs inside it. It
 *   is let go while a statement outside a transaction (BEGIN IMMEDIATE
 *   included) waits to retry, so other requests' reads go on meanwhile.
 */
export interface LockWaitOptions {
  /** How long one statement may wait for another connection's lock (default 5 s). */
  deadlineMs?: number;
}

/** A source of prepared statements (create-db reuses them by SQL text). */
export type StatementSource = Pick<SqliteDatabase, 'prepare' | 'close'>;

export class LockAwareSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly statements: StatementSource,
    private readonly options: LockWaitOptions = {},
  ) {
    super({ database: statements });
  }

  override createDriver(): Driver {
    return new LockAwareSqliteDriver(this.sqlite, this.statements, this.options.deadlineMs ?? 5_000);
  }

  /**
   * SQLite's DDL is transactional, whatever Kysely's adapter says: migrations
   * then run in one BEGIN IMMEDIATE transaction, which is also the lock that
   * keeps two processes starting at once from applying the same migration.
   */
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class Mutex {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`;

class LockAwareSqliteDriver implements Driver {
  private readonly mutex = new Mutex();
  private readonly connection: LockAwareConnection;

  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly statements: StatementSource,
    deadlineMs: number,
  ) {
    this.connection = new LockAwareConnection(sqlite, statements, this.mutex, deadlineMs);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed COMMIT or a statement error may already have ended it.
    if (this.sqlite.inTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteId(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteId(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteId(name)}`));
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {
    this.statements.close();
  }
}

class LockAwareConnection implements DatabaseConnection {
  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly statements: StatementSource,
    private readonly mutex: Mutex,
    private readonly deadlineMs: number,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const started = performance.now();
    let waitMs = 1;
    for (;;) {
      try {
        return this.run<R>(query);
      } catch (err) {
        if (!isSqliteBusy(err)) throw err;
        const inTransaction = this.sqlite.inTransaction;
        // Inside a deferred transaction (someone's raw BEGIN) the snapshot is stale for good.
        if (inTransaction && (err as { code: string }).code === 'SQLITE_BUSY_SNAPSHOT') throw databaseBusy(err);
        // The last wait ends at the deadline, for one more try there: giving up never comes early.
        const left = this.deadlineMs - (performance.now() - started);
        if (left <= 0) throw databaseBusy(err);
        const pause = Math.min(left, waitMs * (0.5 + Math.random()));
        // Outside a transaction nothing of ours is open on the handle: let other requests use it meanwhile.
        if (!inTransaction) this.mutex.unlock();
        try {
          await sleep(pause);
        } finally {
          if (!inTransaction) await this.mutex.lock();
        }
        waitMs = Math.min(waitMs * 2, 50);
      }
    }
  }

  private run<R>(query: CompiledQuery): QueryResult<R> {
    const stmt = this.statements.prepare(query.sql);
    const parameters = query.parameters as unknown[];
    if (stmt.reader) return { rows: stmt.all(parameters) as R[] };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return {
      numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
      insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
      rows: [],
    };
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) throw new Error('Sqlite driver only supports streaming of select queries');
    let iter: Iterable<unknown>;
    try {
      iter = this.statements.prepare(query.sql).iterate(query.parameters as unknown[]);
    } catch (err) {
      throw translateSqliteError(err);
    }
    for (const row of iter) yield { rows: [row as R] };
  }
}
