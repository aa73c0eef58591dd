import { databaseBusy, databaseUnavailable, UnavailableError } from '../errors.ts';

/**
 * Which driver errors mean "the database is not there right now" rather than
 * "this query is wrong": those become a named 503 (UnavailableError) at the
 * driver, so routes, the CLI and background loops see one error whatever the
 * dialect, and a person sees "try again in a few seconds" instead of a 500.
 */

// PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (starting up or
// shutting down), the connection_exception class, too_many_connections.
const PG_UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
// pg and pg-pool say these in words only.
const PG_MESSAGES = /Connection terminated|not queryable|Client was closed|timeout exceeded when trying to connect/i;

export function isConnectionError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (PG_UNAVAILABLE_CODES.has(e.code) || NET_CODES.has(e.code))) return true;
  if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return true;
  // Node's happy-eyeballs connect reports every address it tried.
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isConnectionError);
}

/** SQLITE_BUSY and its extended codes (_SNAPSHOT, _RECOVERY, _TIMEOUT): another connection holds a lock. */
export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** The named error for a driver error, or the error itself when it is not about the database being away. */
export function translatePostgresError(err: unknown): unknown {
  if (err instanceof UnavailableError) return err;
  return isConnectionError(err) ? databaseUnavailable(err) : err;
}

export function translateSqliteError(err: unknown): unknown {
  if (err instanceof UnavailableError) return err;
  return isSqliteBusy(err) ? databaseBusy(err) : err;
}
