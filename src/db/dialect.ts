/**
 * The few places where SQLite and PostgreSQL differ, answered once.
 */

/** True when `err` is a unique-constraint violation on either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** COUNT(*) comes back as a number from SQLite and a string from pg. */
export function toCount(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : Number(v ?? 0);
}
