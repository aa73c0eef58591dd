import { z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { Precondition } from '../customers/precondition.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { etagOf, ifMatchAllows } from './etag.ts';

export const preconditionFailed = () =>
  new AppError(412, 'precondition-failed', 'El recurso cambió desde que lo leyó: su If-Match ya no corresponde. Léalo de nuevo (GET), con su nuevo ETag, y decida si repetir el cambio.');

/** The optional If-Match of an update, as the document declares it. */
export const IfMatchHeaders = z.object({
  'if-match': z
    .string()
    .max(1000)
    .optional()
    .describe('El `ETag` de la versión leída: el cambio se hace sólo si el recurso sigue así (si no, 412 `precondition-failed`). Sin él, el cambio se hace sobre la versión actual.'),
});

/** The ETag answered with a resource, in the document. */
export const ETAG_HEADER = { ETag: { description: 'La versión de lo que se respondió: envíela en If-Match para cambiarlo sin pisar el cambio de otro.', schema: { type: 'string' as const } } };

/**
 * An update's If-Match as a Precondition: `read` loads the resource as the
 * client sees it (throwing its 404 when gone) and its ETag must be one the
 * header lists. The route calls it once before starting (a stale tag is
 * refused before any slow work), and the operation again inside its
 * transaction with the rows locked, which is what makes check and change
 * one step: of two updates sent with the same ETag, the second sees the
 * first's change and gets 412. No header: no condition.
 */
export function ifMatchPrecondition(header: string | undefined, read: (db: Kysely<Database>) => Promise<unknown>): Precondition | undefined {
  if (header === undefined) return undefined;
  return async (db) => {
    if (!ifMatchAllows(header, etagOf(await read(db)))) throw preconditionFailed();
  };
}
