import type { Kysely, Selectable } from 'kysely';
import type { ApiTokensTable, Database } from '../../db/schema.ts';

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

/** Every column but the hash: what the console, the CLI and the tests may see of a token. */
const SHOWN = ['id', 'name', 'prefix', 'scopes', 'created_at', 'created_by_label', 'expires_at', 'last_used_at', 'last_used_ip', 'revoked_at', 'revoked_by_label'] as const;

type ShownRow = Pick<Selectable<ApiTokensTable>, (typeof SHOWN)[number]>;

/** Every token, newest first (a vendor has a handful): never the token itself, which is not stored. */
export async function listApiTokens(db: Kysely<Database>, now: Date): Promise<ApiTokenRow[]> {
  const rows = await db.selectFrom('api_tokens').select(SHOWN).orderBy('created_at', 'desc').orderBy('id').execute();
  return rows.map((r) => apiTokenRow(r, now));
}

/** One token by its id or its public prefix ("mpt_3fa9c2d1"), or undefined. */
export async function findApiToken(db: Kysely<Database>, idOrPrefix: string, now: Date): Promise<ApiTokenRow | undefined> {
  const key = idOrPrefix.trim();
  if (key === '') return undefined;
  const row = await db.selectFrom('api_tokens').select(SHOWN).where((eb) => eb.or([eb('id', '=', key), eb('prefix', '=', key.toLowerCase())])).executeTakeFirst();
  return row ? apiTokenRow(row, now) : undefined;
}

function apiTokenRow(r: ShownRow, now: Date): ApiTokenRow {
  return {
    id: r.id, name: r.name, prefix: r.prefix, scopes: r.scopes.split(' ').filter(Boolean), createdAt: r.created_at, createdBy: r.created_by_label,
    expiresAt: r.expires_at, lastUsedAt: r.last_used_at, lastUsedIp: r.last_used_ip, revokedAt: r.revoked_at, revokedBy: r.revoked_by_label,
    state: r.revoked_at ? 'revoked' : r.expires_at <= now.toISOString() ? 'expired' : 'active',
  };
}
