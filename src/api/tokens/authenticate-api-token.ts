import type { Kysely } from 'kysely';
import type { ApiClientPrincipal } from '../../auth/principal.ts';
import { hashToken } from '../../auth/token.ts';
import type { Database } from '../../db/schema.ts';
import { TOKEN_PATTERN } from './api-token-format.ts';

/** Last use is written at most this often per token: one write a minute, not one per call. */
const LAST_USE_EVERY_MS = 60_000;

export type TokenRefusal = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired';

/**
 * The principal an `Authorization: Bearer …` header stands for, or why not.
 * Looked up on every call (no cache): a revoked token is refused on the very
 * next request, on every instance.
 */
export async function authenticateApiToken(
  db: Kysely<Database>,
  authorization: string | undefined,
  now: Date,
  ip: string | null,
): Promise<{ ok: true; principal: ApiClientPrincipal } | { ok: false; reason: TokenRefusal }> {
  if (!authorization) return { ok: false, reason: 'missing' };
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (!m) return { ok: false, reason: 'malformed' };
  const token = m[1]!;
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'unknown' };
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'prefix', 'scopes', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  const at = now.toISOString();
  if (row.expires_at <= at) return { ok: false, reason: 'expired' };
  if (!row.last_used_at || Date.parse(row.last_used_at) <= now.getTime() - LAST_USE_EVERY_MS) {
    // Compare-and-swap on the old value: of many calls at once, one writes.
    let q = db.updateTable('api_tokens').set({ last_used_at: at, last_used_ip: ip }).where('id', '=', row.id);
    q = row.last_used_at ? q.where('last_used_at', '=', row.last_used_at) : q.where('last_used_at', 'is', null);
    await q.execute();
  }
  return {
    ok: true,
    principal: { kind: 'api', clientId: row.id, name: row.name, prefix: row.prefix, scopes: new Set(row.scopes.split(' ').filter(Boolean)), ip },
  };
}
