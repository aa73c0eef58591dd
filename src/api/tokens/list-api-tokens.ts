import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

export interface ApiTokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  /** 'active' | 'expired' | 'revoked' at `now`. */
  state: 'active' | 'expired' | 'revoked';
}

/** Every token, newest first (a vendor has a handful): never the token itself, which is not stored. */
export async function listApiTokens(db: Kysely<Database>, now: Date): Promise<ApiTokenRow[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id, name: r.name, prefix: r.prefix, scopes: r.scopes.split(' ').filter(Boolean), createdAt: r.created_at, createdBy: r.created_by_label,
    expiresAt: r.expires_at, lastUsedAt: r.last_used_at, lastUsedIp: r.last_used_ip, revokedAt: r.revoked_at, revokedBy: r.revoked_by_label,
    state: r.revoked_at ? 'revoked' : r.expires_at <= now.toISOString() ? 'expired' : 'active',
  }));
}
