import SQLite from 'better-sqlite3';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** The counters' table: created by migration 2026-12-02T0002 on PostgreSQL, by the library in its own file on SQLite. */
export const RATE_LIMIT_TABLE = 'api_rate_limits';

export interface LimiterShape {
  /** Distinguishes the limiters sharing the table (the minute, the burst reserve, the audit mark). */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

/** Where the per-token counters live; every instance on the same database shares them. */
export interface RateLimitStore {
  /** 'postgres' | 'sqlite' | 'memory': for the logs and the decision record's cases. */
  readonly kind: 'postgres' | 'sqlite' | 'memory';
  limiter(shape: LimiterShape): RateLimiterAbstract;
  close(): void;
}

/**
 * What every store's limiter shares. A key past its points is also blocked
 * in this process's memory until its window ends: a client hammering with a
 * refused token costs no database write per call (each instance asks the
 * store once, sees the refusal, and refuses locally from then on). The
 * count itself stays the store's, so exactly `points` pass.
 */
function common(s: LimiterShape) {
  return { keyPrefix: s.keyPrefix, points: s.points, duration: s.durationSeconds, inMemoryBlockOnConsumed: s.points + 1 };
}

const memoryLimiter = (s: LimiterShape) => new RateLimiterMemory({ keyPrefix: s.keyPrefix, points: s.points, duration: s.durationSeconds });

/** This process's memory: the fallback when the shared store fails, and the whole store for an in-memory test database. */
export function memoryStore(): RateLimitStore {
  return { kind: 'memory', limiter: memoryLimiter, close: () => {} };
}

/**
 * PostgreSQL: RateLimiterPostgres on the portal's own pool (same server,
 * same search_path, same connection limit; no second pool per instance).
 * One atomic INSERT … ON CONFLICT DO UPDATE … RETURNING per call, so two
 * instances, or 200 calls at once, count against one row.
 */
export function postgresStore(pool: pg.Pool): RateLimitStore {
  return {
    kind: 'postgres',
    limiter: (s) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        tableName: RATE_LIMIT_TABLE,
        // The migration made it: no CREATE TABLE from every instance at start, no DDL rights needed at run time.
        tableCreated: true,
        ...common(s),
      }),
    close: () => {},
  };
}

/**
 * The SQLite file the counters are kept in: beside the database, not in
 * it. A commit by a second connection to the database file changes its
 * PRAGMA data_version, and that is what empties the page cache and the
 * shared caches (db/change-signal.ts): a counter written in the database
 * would empty every cache on every API call. Nor would its writes ever wait
 * on the portal's write transactions, which hold the database's lock across
 * awaits while this connection's statements run synchronously.
 */
export function sqliteRateLimitFile(databaseFile: string): string {
  return `${databaseFile}-api-rate-limits`;
}

export function sqliteStore(databaseFile: string): RateLimitStore {
  const sqlite = new SQLite(sqliteRateLimitFile(databaseFile));
  // Counters for the next minute: losing the last few on a power cut costs nothing, waiting on fsync each call would.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  // Only another portal process on the same file (not a supported way to serve) could hold it: fail at once, never block the event loop.
  sqlite.pragma('busy_timeout = 0');
  // The library's own columns; made here, before any limiter exists, so its first call never finds the table missing.
  sqlite.exec(`CREATE TABLE IF NOT EXISTS ${RATE_LIMIT_TABLE} (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire INTEGER)`);
  return {
    kind: 'sqlite',
    limiter: (s) =>
      new RateLimiterSQLite({
        storeClient: sqlite,
        storeType: 'better-sqlite3',
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        ...common(s),
      }),
    close: () => sqlite.close(),
  };
}
