import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { AppEnv } from '../web/env.ts';
import { problem } from './problem.ts';

/**
 * Idempotency-Key on every POST of /api/v1 (decision 0030): optional, and
 * honoured when sent. Per token and key, the first request runs and its
 * answer is kept for 24 h; the same key again with the same operation and
 * body gets that answer back byte for byte (`Idempotent-Replayed: true`)
 * without running anything, so a client that lost the answer to a timeout
 * can retry without creating a second customer or contract.
 *
 * - another operation or another body with the key: 422 idempotency-key-reused;
 * - while the first is still running: 409 idempotency-key-in-progress, Retry-After;
 * - 2xx and 4xx answers are kept; a 5xx is not (the row is dropped), so a
 *   retry runs again once the portal is well; nor are the 4xx that say
 *   "nothing was done, because of this moment" (NOT_KEPT_STATUSES): a 412
 *   or 409 from a race tells the client to read again and retry, and a retry
 *   that kept its key must run, not replay the refusal for 24 h;
 * - a first request whose process died (its row still without a status) is
 *   taken over after IDEMPOTENCY_TAKEOVER_MS.
 *
 * The row is claimed before the operation runs and settled after it: the
 * claim is what keeps twenty retries at once to one execution (the primary
 * key lets one insert through). What it cannot close is a process killed
 * after the operation committed and before the answer was stored: that key
 * runs again after the takeover delay (the decision says so).
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** Longer than any API request runs (they take milliseconds; a database stall answers 503 within seconds). */
export const IDEMPOTENCY_TAKEOVER_MS = 60_000;
/** What a client is told to wait before asking again while the first request runs. */
const IN_PROGRESS_RETRY_SECONDS = 1;

/** 1 to 255 visible ASCII characters (RFC 9110's token68 and a UUID both fit; a space or a comma of two joined headers does not). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * 4xx answers about the moment or the caller's credentials, not about the
 * request: 401/403 (token and scope), 404/410 (the customer, user or
 * contract is not there yet: a CRM that sends the contract before the
 * customer must get it created on the retry, not the 404 for a day), 408,
 * 409 (contract-changed: another change raced this one), 412 (the If-Match
 * is stale: the client reads the new ETag and retries, If-Match not being
 * part of the key's fingerprint), 425, 429 (rate limit). Nothing was done;
 * the row is dropped like a 5xx's.
 */
export const NOT_KEPT_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 408, 409, 410, 412, 425, 429]);

/** The answer's headers that are part of what it says; per-request ones (rate limit, request id, cache) are the replay's own. */
const KEPT_HEADERS = ['content-type', 'location', 'etag', 'content-location', 'last-modified'] as const;

/** The parameter every POST declares in the OpenAPI document (api-route.ts adds it). */
export const IDEMPOTENCY_KEY_PARAMETER = {
  name: IDEMPOTENCY_HEADER,
  in: 'header',
  required: false,
  description:
    'Opcional. Una clave única por operación (por ejemplo, un UUID), de 1 a 255 caracteres ASCII visibles. Reintentar con la misma clave y el mismo ' +
    'cuerpo durante 24 horas devuelve la respuesta de la primera vez, sin repetir la operación, con `Idempotent-Replayed: true`. La misma clave con ' +
    'otra operación u otro cuerpo: 422 `idempotency-key-reused`; mientras la primera sigue en curso: 409 `idempotency-key-in-progress` con `Retry-After`. ' +
    'Una respuesta 5xx no se guarda, ni una 401, 403, 409, 412 o 429 (nada se hizo por el momento en que llegó, por ejemplo un If-Match ya ' +
    'viejo): reintentar con la misma clave vuelve a ejecutar la operación.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$' },
} as const;

interface KeyRequest {
  tokenId: string;
  key: string;
  operation: string;
  bodyHash: string;
}

type IdempotencyRow = Database['api_idempotency_keys'];

type Claim =
  | { kind: 'owned'; createdAt: string }
  | { kind: 'replay'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'reused'; operation: string }
  | { kind: 'in-progress' };

export function bodyHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/**
 * A new claim's created_at: now, or just after the row it replaces when the
 * clock has not moved since (a test's clock, two takeovers in one
 * millisecond), so a claim is never mistaken for the one before it.
 */
function claimInstant(now: Date, previous?: string): string {
  const at = previous === undefined ? now.getTime() : Math.max(now.getTime(), Date.parse(previous) + 1);
  return new Date(at).toISOString();
}

/** Takes the key for this request, or says what the stored row answers instead. */
export async function claimIdempotencyKey(db: Kysely<Database>, r: KeyRequest, now: Date): Promise<Claim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const createdAt = claimInstant(now);
    const inserted = await db
      .insertInto('api_idempotency_keys')
      .values({ token_id: r.tokenId, key: r.key, operation: r.operation, body_hash: r.bodyHash, status: null, created_at: createdAt, expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString() })
      .onConflict((oc) => oc.columns(['token_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { kind: 'owned', createdAt };

    const row = await db.selectFrom('api_idempotency_keys').selectAll().where('token_id', '=', r.tokenId).where('key', '=', r.key).executeTakeFirst();
    if (!row) continue; // settled as a 5xx and dropped between the two statements: try the insert again
    const expired = Date.parse(row.expires_at) <= now.getTime();
    if (expired) {
      const taken = await takeOver(db, r, row, now);
      if (taken) return taken;
      continue;
    }
    if (row.operation !== r.operation || row.body_hash !== r.bodyHash) return { kind: 'reused', operation: row.operation };
    if (row.status === null) {
      if (Date.parse(row.created_at) + IDEMPOTENCY_TAKEOVER_MS > now.getTime()) return { kind: 'in-progress' };
      const taken = await takeOver(db, r, row, now);
      if (taken) return taken;
      continue;
    }
    return { kind: 'replay', status: row.status, headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string>, body: row.response_body ?? '' };
  }
  // Three rounds lost to others at once: as if the first were still running.
  return { kind: 'in-progress' };
}

/** An expired row, or one whose request died: this request starts afresh, if no other took it first (compare-and-swap on created_at). */
async function takeOver(db: Kysely<Database>, r: KeyRequest, row: IdempotencyRow, now: Date): Promise<Claim | null> {
  const createdAt = claimInstant(now, row.created_at);
  const u = await db
    .updateTable('api_idempotency_keys')
    .set({ operation: r.operation, body_hash: r.bodyHash, status: null, response_headers: null, response_body: null, created_at: createdAt, expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString() })
    .where('token_id', '=', r.tokenId)
    .where('key', '=', r.key)
    .where('created_at', '=', row.created_at)
    .executeTakeFirst();
  return Number(u.numUpdatedRows) === 1 ? { kind: 'owned', createdAt } : null;
}

/** After the operation: keep a 2xx or 4xx answer for the replays, drop the claim of a 5xx (or a NOT_KEPT_STATUSES 4xx) so a retry runs again. */
export async function settleIdempotencyKey(db: Kysely<Database>, r: { tokenId: string; key: string; createdAt: string }, res: Response): Promise<void> {
  // Only this request's claim, still open: one taken over meanwhile (this one ran past the takeover delay) is the other's now.
  if (res.status >= 500 || NOT_KEPT_STATUSES.has(res.status)) {
    await db.deleteFrom('api_idempotency_keys').where('token_id', '=', r.tokenId).where('key', '=', r.key).where('created_at', '=', r.createdAt).where('status', 'is', null).execute();
    return;
  }
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = res.headers.get(name);
    if (v !== null) headers[name] = v;
  }
  const body = await res.clone().text();
  await db
    .updateTable('api_idempotency_keys')
    .set({ status: res.status, response_headers: JSON.stringify(headers), response_body: body })
    .where('token_id', '=', r.tokenId)
    .where('key', '=', r.key)
    .where('created_at', '=', r.createdAt)
    .where('status', 'is', null)
    .execute();
}

/** The middleware, after apiBody (which leaves the body's text in `apiBody`). */
export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== 'POST') return next();
  const key = c.req.header(IDEMPOTENCY_HEADER);
  // A POST to a path no operation has is the catch-all's 404 (an ALL route), key or not.
  if (key === undefined || !matchedRoutes(c).some((r) => r.method === 'POST')) return next();
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    return problem(c, 422, 'validation', 'El encabezado Idempotency-Key no es válido.', [
      { pointer: '/header/idempotency-key', detail: 'Use de 1 a 255 caracteres ASCII visibles, sin espacios (por ejemplo, un UUID).' },
    ]);
  }
  const { db, clock } = c.get('deps');
  // The path as requested, not only the route's pattern: the same key for two customers' contracts is a mistake, not a replay.
  // Still percent-encoded (c.req.path is decoded): a %00 in it would be a NUL byte, which PostgreSQL refuses in text (a 500).
  const request: KeyRequest = { tokenId: c.get('apiClient').clientId, key, operation: `POST ${new URL(c.req.url).pathname}`, bodyHash: bodyHash(c.get('apiBody')) };
  const claim = await claimIdempotencyKey(db, request, clock.now());
  if (claim.kind === 'replay') return replay(c, claim);
  if (claim.kind === 'reused') {
    return problem(c, 422, 'idempotency-key-reused', `La Idempotency-Key ya se usó en las últimas 24 horas con otra solicitud (${claim.operation}, o con otro cuerpo). Use una clave nueva para cada operación.`);
  }
  if (claim.kind === 'in-progress') {
    c.header('Retry-After', String(IN_PROGRESS_RETRY_SECONDS));
    return problem(c, 409, 'idempotency-key-in-progress', 'Otra solicitud con la misma Idempotency-Key todavía se está procesando. Reintente en unos segundos para recibir su respuesta.');
  }
  await next();
  await settleIdempotencyKey(db, { tokenId: request.tokenId, key, createdAt: claim.createdAt }, c.res).catch((err) =>
    c.get('log').warn({ err }, 'idempotency key not settled; a retry with it waits for the takeover delay'),
  );
};

function replay(c: Context<AppEnv>, stored: { status: number; headers: Record<string, string>; body: string }): Response {
  return c.body(stored.body, stored.status as 200, { ...stored.headers, [REPLAYED_HEADER]: 'true' });
}
