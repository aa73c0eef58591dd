import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import pg from 'pg';
import { pageDataWrites } from './page-data-writes.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  /** SQLite only: changes whenever another connection (another process) commits. */
  dataVersion?: () => number;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export interface CreateDbOptions {
  /** PostgreSQL only: run every query in this schema (tests use one schema each). */
  searchPath?: string;
  /** Called around every write that a page may show (see page-data-writes.ts). */
  onPageDataWrite?: () => void;
  poolSize?: number;
}

/** `url` is a postgres:// URL, or a SQLite file path (":memory:" for a throw-away one). */
export function createDb(url: string, options: CreateDbOptions = {}): Db {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: plugins(options) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const file = url.replace(/^(file|sqlite):(\/\/)?/, '');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }), plugins: plugins(options) });
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  return { db, dialect: 'sqlite', dataVersion: () => dataVersion.get() as number, close: () => db.destroy() };
}

function plugins(options: CreateDbOptions) {
  return options.onPageDataWrite ? [pageDataWrites(options.onPageDataWrite)] : [];
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; for a page that was the largest single
 * cost. The queries are a fixed set of SQL texts, so each is prepared once
 * and reused (Kysely runs one query at a time on SQLite, so a statement is
 * never in use twice). Bounded, oldest out, for texts that vary (IN lists).
 */
function reusingStatements(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}
