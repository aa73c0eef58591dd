import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../errors.ts';
import { isConnectionError, isSqliteBusy, translatePostgresError, translateSqliteError } from './database-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('database error classification', () => {
  it('counts the server going away as "unavailable": shutdown, restart, refused, reset, timeouts', () => {
    for (const code of ['57P01', '57P02', '57P03', '08000', '08003', '08006', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']) {
      expect(isConnectionError(withCode(code)), code).toBe(true);
    }
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isConnectionError(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isConnectionError(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    // Node's connect to "localhost" tries ::1 and 127.0.0.1 and reports both.
    expect(isConnectionError(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]))).toBe(true);
  });

  it('leaves a wrong query a bug: unique violation, syntax, missing table, plain errors', () => {
    for (const code of ['23505', '42601', '42P01', '22P02', '40001']) expect(isConnectionError(withCode(code)), code).toBe(false);
    expect(isConnectionError(new TypeError('x is undefined'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
    expect(isConnectionError(new AggregateError([]))).toBe(false);
    expect(translatePostgresError(withCode('23505'))).toBeInstanceOf(Error);
    expect(translatePostgresError(withCode('23505'))).not.toBeInstanceOf(UnavailableError);
  });

  it('turns them into the named 503, the driver error kept as the cause', () => {
    const cause = withCode('57P01', 'terminating connection due to administrator command');
    const e = translatePostgresError(cause) as UnavailableError;
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.status).toBe(503);
    expect(e.id).toBe('database-unavailable');
    expect(e.retryAfterSeconds).toBeGreaterThan(0);
    expect(e.message).toBe('No pudimos conectar con la base de datos. Inténtelo de nuevo en unos segundos.');
    expect(e.cause).toBe(cause);
    expect(translatePostgresError(e)).toBe(e);
  });

  it('on SQLite, every flavour of SQLITE_BUSY is "busy", and nothing else', () => {
    for (const code of ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT']) expect(isSqliteBusy(withCode(code)), code).toBe(true);
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_READONLY']) expect(isSqliteBusy(withCode(code)), code).toBe(false);
    const e = translateSqliteError(withCode('SQLITE_BUSY', 'database is locked')) as UnavailableError;
    expect(e.id).toBe('database-busy');
    expect(e.message).toBe('El portal está ocupado; inténtelo de nuevo en unos segundos.');
  });
});
