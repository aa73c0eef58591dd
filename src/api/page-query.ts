import { z } from '@hono/zod-openapi';
import { badCursor, decodeCursor, DEFAULT_PAGE, encodeCursor, MAX_PAGE } from './cursor.ts';

/** `limit` and `cursor` of a list, as every list of the API takes them. */
export const PageQuery = z.object({
  limit: z.coerce
    .number({ error: 'El límite es un número entero, de 1 a 200.' })
    .int('El límite es un número entero, de 1 a 200.')
    .min(1, 'El límite es un número entero, de 1 a 200.')
    .max(MAX_PAGE, `El límite puede ser como máximo ${MAX_PAGE}.`)
    .default(DEFAULT_PAGE)
    .describe(`Cuántos elementos por página (1 a ${MAX_PAGE}; ${DEFAULT_PAGE} si se omite).`),
  cursor: z.string().max(500, 'El cursor no es válido: use el valor de `nextCursor` de la página anterior, sin cambios.').optional().describe('El `nextCursor` de la página anterior; se omite para la primera.'),
});

/** A list's answer: one page and where the next one starts (null on the last). */
export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Para la página siguiente, páselo como `cursor`; `null` en la última.'),
  });
}

/** What the API's keys are made of: ISO times and UUIDs, printable ASCII (PostgreSQL refuses a NUL in text with an error). */
const KEY_TEXT = /^[\x20-\x7e]{1,100}$/;

/** A cursor of (text, text) keys, such as (created_at, id), or a 422 invalid-cursor. */
export function decodeTextKey(cursor: string | undefined): [string, string] | undefined {
  if (cursor === undefined) return undefined;
  const [a, b] = decodeCursor(cursor, 2);
  if (typeof a !== 'string' || typeof b !== 'string' || !KEY_TEXT.test(a) || !KEY_TEXT.test(b)) throw badCursor();
  return [a, b];
}

/**
 * One page from `limit + 1` rows read in the list's order: the extra row
 * only tells that there is a next page, which starts after the last shown.
 */
export function pageOf<R, T>(rows: R[], limit: number, keyOf: (row: R) => readonly (string | number)[], present: (row: R) => T): { items: T[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  return { items: shown.map(present), nextCursor: rows.length > limit && shown.length ? encodeCursor(keyOf(shown[shown.length - 1]!)) : null };
}
