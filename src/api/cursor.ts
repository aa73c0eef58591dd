import { AppError } from '../errors.ts';

/**
 * Cursor pagination: a list is ordered by a unique key (for instance
 * created_at then id) and `cursor` is that key of the last item of the
 * previous page, opaque to clients (base64url of JSON). Pages stay stable
 * while rows are added, unlike offsets.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export const badCursor = () => new AppError(422, 'invalid-cursor', 'El cursor no es válido: use el valor de `nextCursor` de la página anterior, sin cambios.');

/** The key in a cursor made by encodeCursor with `arity` parts, or a 422 (invalid-cursor). */
export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== arity || !parsed.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) throw badCursor();
  return parsed as (string | number)[];
}

/** Page sizes: `limit` from 1 to 200, 50 when absent. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;
