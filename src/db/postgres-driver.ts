import { PostgresDialect, PostgresDriver, type CompiledQuery, type DatabaseConnection, type DatabaseIntrospector, type Driver, type Kysely, type QueryResult } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import { isConnectionError, translatePostgresError } from './database-errors.ts';
import { CurrentSchemaIntrospector } from './schema-introspector.ts';

/**
 * A pg.Pool that survives the server going away. pg reports a broken
 * connection as an 'error' event on the client (and pg-pool re-emits an idle
 * client's on the pool); an event nobody listens to throws, and a PostgreSQL
 * restart (57P01 to every connection) used to end the process. The pool
 * drops the broken client by itself; the listeners only log.
 */
export function watchPool(pool: pg.Pool, log: Pick<Logger, 'warn'> | undefined): pg.Pool {
  const report = (err: Error) => {
    const e = err as Error & { code?: string };
    log?.warn({ code: e.code, err: e.message }, isConnectionError(err) ? 'database connection lost' : 'database connection error');
  };
  // Every client gets its own listener, lent out or idle (a lent one has no pool
  // listener: between two queries of a transaction, say); pg-pool's re-emission
  // of an idle client's error needs a listener too, but the client's has logged it.
  pool.on('connect', (client) => client.on('error', report));
  pool.on('error', () => {});
  return pool;
}

/** Kysely's PostgreSQL dialect, with "the database is not there" thrown as the named 503, introspecting only its own schema. */
export class UnavailabilityAwarePostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new TranslatingPostgresDriver(super.createDriver() as PostgresDriver);
  }

  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

const wrapped = new WeakSet<DatabaseConnection>();
/** What PostgresDriver handed out (it reaches into its own connection class to release it). */
type KyselyPgConnection = Parameters<PostgresDriver['releaseConnection']>[0];

class TranslatingPostgresDriver implements Driver {
  constructor(private readonly inner: PostgresDriver) {}

  init() {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let connection: DatabaseConnection;
    try {
      connection = await this.inner.acquireConnection();
    } catch (err) {
      throw translatePostgresError(err);
    }
    // Kysely keeps one connection object per pg client: patch it once.
    if (!wrapped.has(connection)) {
      wrapped.add(connection);
      const execute = connection.executeQuery.bind(connection);
      connection.executeQuery = <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
        execute<R>(query).catch((err: unknown) => {
          throw translatePostgresError(err);
        });
    }
    return connection;
  }

  beginTransaction: Driver['beginTransaction'] = (c, s) => this.inner.beginTransaction(c, s);
  commitTransaction: Driver['commitTransaction'] = (c) => this.inner.commitTransaction(c);
  rollbackTransaction: Driver['rollbackTransaction'] = (c) => this.inner.rollbackTransaction(c as KyselyPgConnection);
  savepoint: NonNullable<Driver['savepoint']> = (c, n, q) => this.inner.savepoint(c, n, q);
  rollbackToSavepoint: NonNullable<Driver['rollbackToSavepoint']> = (c, n, q) => this.inner.rollbackToSavepoint(c, n, q);
  releaseSavepoint: NonNullable<Driver['releaseSavepoint']> = (c, n, q) => this.inner.releaseSavepoint(c, n, q);
  releaseConnection: Driver['releaseConnection'] = (c) => this.inner.releaseConnection(c as KyselyPgConnection);
  destroy: Driver['destroy'] = () => this.inner.destroy();
}
