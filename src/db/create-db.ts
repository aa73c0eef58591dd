import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type SqliteDatabase, type SqliteStatement } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { isSqliteBusy, translateSqliteError } from './database-errors.ts';
import { pageDataWrites } from './page-data-writes.ts';
import { UnavailabilityAwarePostgresDialect, watchPool } from './postgres-driver.ts';
import { PreparingClient } from './postgres-prepared-statements.ts';
import type { Database } from './schema.ts';
import { LockAwareSqliteDialect } from './sqlite-driver.ts';
import { OldestKeys } from '../cache/oldest-keys.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  /** SQLite only: changes whenever another connection (another process) commits. */
  dataVersion?: () => number;
  /** PostgreSQL only: the pool's connections right now (for /metrics). */
  poolStats?: () => PoolStats;
  /** PostgreSQL only: the pool itself, for a library that speaks pg (the API's rate limiter). */
  pool?: pg.Pool;
  close(): Promise<void>;
}

/** pg.Pool's own counts: every connection open, those idle, and the queries waiting for one. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export interface CreateDbOptions {
  /** PostgreSQL only: run every query in this schema (tests use one schema each). */
  searchPath?: string;
  /** Called around every write that a page may show (see page-data-writes.ts), with its table when the statement names one. */
  onPageDataWrite?: (table: string | undefined) => void;
  poolSize?: number;
  /** Where lost connections are reported (PostgreSQL). */
  log?: Pick<Logger, 'warn'>;
  /** PostgreSQL: how long a query waits for a connection before the database counts as unreachable. */
  connectTimeoutMs?: number;
  /** SQLite: how long a statement waits for another process's lock before answering "busy" (default 5 s). */
  busyDeadlineMs?: number;
  /** PostgreSQL: keep the statements a connection repeats prepared (default true; false behind a pooler that cannot, see postgres-prepared-statements.ts). */
  preparedStatements?: boolean;
}

/** The SQLite file a URL names ("file:", "sqlite:" and "//" taken off): ":memory:" for a throw-away one. */
export const sqliteFileOf = (url: string) => url.replace(/^(file|sqlite):(\/\/)?/, '');

/** A throw-away SQLite database: no other connection (a thread, a process) can open it. */
export const isInMemorySqlite = (url: string) => !isPostgresUrl(url) && sqliteFileOf(url) === ':memory:';

/** `url` is a postgres:// URL, or a SQLite file path (":memory:" for a throw-away one). */
export function createDb(url: string, options: CreateDbOptions = {}): Db {
  if (isPostgresUrl(url)) {
    const pool = watchPool(
      new pg.Pool({
        connectionString: url,
        max: options.poolSize ?? 10,
        // A server that does not answer (a restart, a dropped route) must not hold a request for minutes.
        connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
        ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
        ...(options.preparedStatements === false ? {} : { Client: PreparingClient }),
      }),
      options.log,
    );
    const db = new Kysely<Database>({ dialect: new UnavailabilityAwarePostgresDialect({ pool }), plugins: plugins(options) });
    const poolStats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
    return { db, dialect: 'postgres', poolStats, pool, close: () => db.destroy() };
  }
  const file = sqliteFileOf(url);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = openSqlite(file);
  const db = new Kysely<Database>({
    dialect: new LockAwareSqliteDialect(sqlite, reusingStatements(sqlite), { deadlineMs: options.busyDeadlineMs ?? 5_000 }),
    plugins: plugins(options),
  });
  return { db, dialect: 'sqlite', dataVersion: dataVersionOf(sqlite), close: () => db.destroy() };
}

function openSqlite(file: string): SQLite.Database {
  const sqlite = new SQLite(file);
  try {
    // Opening may wait on another process's lock (switching to WAL): nothing is being served yet.
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
  } catch (err) {
    sqlite.close();
    throw translateSqliteError(err);
  }
  // From here on a wait for a lock happens off the event loop (sqlite-driver.ts retries from a timer).
  sqlite.pragma('busy_timeout = 0');
  return sqlite;
}

/**
 * PRAGMA data_version, for the page cache: changes whenever another
 * connection commits. Read outside the driver (it must not queue behind a
 * transaction); if a lock keeps it from being read, say "changed": a cache
 * empties rather than serving a page that may be stale.
 */
function dataVersionOf(sqlite: SQLite.Database): () => number {
  const stmt = sqlite.prepare('PRAGMA data_version').pluck();
  let unknown = 0;
  return () => {
    try {
      return stmt.get() as number;
    } catch (err) {
      if (!isSqliteBusy(err)) throw err;
      return -++unknown;
    }
  };
}

function plugins(options: CreateDbOptions) {
  return options.onPageDataWrite ? [pageDataWrites(options.onPageDataWrite)] : [];
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; for a page that was the largest single
 * cost. The queries are a fixed set of SQL texts, so each is prepared once
 * and reused (the driver runs one query at a time on the handle, so a
 * statement is never in use twice). Bounded, oldest out, for texts that vary (IN lists).
 */
function reusingStatements(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  const oldest = new OldestKeys(cache);
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(oldest.next()!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}
