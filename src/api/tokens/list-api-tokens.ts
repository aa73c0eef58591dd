import { sql, type Kysely, type Selectable } from 'kysely';
import type { ApiTokensTable, Database } from '../../db/schema.ts';

export interface ApiTokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
  /**
   * The staff member who created it has been disabled since. The token keeps
   * working (it is the vendor system's credential, not the person's: turning
   * it off with the person would stop the billing sync the day someone
   * leaves), but that person saw it once and may keep a copy, so the console
   * says so and the administrator decides whether to replace it.
   */
  creatorDisabled: boolean;
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

type ShownRow = Pick<Selectable<ApiTokensTable>, (typeof SHOWN)[number]> & { creator_disabled_at: string | null };

/** The tokens with their creator's disabled_at (created_by is principalRef: 'staff:<id>', or the CLI's label). */
function shownTokens(db: Kysely<Database>) {
  return db
    .selectFrom('api_tokens')
    .leftJoin('staff', (j) => j.on(sql`api_tokens.created_by`, '=', sql`'staff:' || staff.id`))
    .select(SHOWN.map((c) => `api_tokens.${c}` as const))
    .select('staff.disabled_at as creator_disabled_at');
}

/** Every token, newest first (a vendor has a handful): never the token itself, which is not stored. */
export async function listApiTokens(db: Kysely<Database>, now: Date): Promise<ApiTokenRow[]> {
  const rows = await shownTokens(db).orderBy('api_tokens.created_at', 'desc').orderBy('api_tokens.id').execute();
  return rows.map((r) => apiTokenRow(r, now));
}

/** One token by its id or its public prefix ("mpt_3fa9c2d1"), or undefined. */
export async function findApiToken(db: Kysely<Database>, idOrPrefix: string, now: Date): Promise<ApiTokenRow | undefined> {
  const key = idOrPrefix.trim();
  if (key === '') return undefined;
  const row = await shownTokens(db).where((eb) => eb.or([eb('api_tokens.id', '=', key), eb('api_tokens.prefix', '=', key.toLowerCase())])).executeTakeFirst();
  return row ? apiTokenRow(row, now) : undefined;
}

function apiTokenRow(r: ShownRow, now: Date): ApiTokenRow {
  return {
    id: r.id, name: r.name, prefix: r.prefix, scopes: r.scopes.split(' ').filter(Boolean), createdAt: r.created_at, createdBy: r.created_by_label, creatorDisabled: r.creator_disabled_at !== null,
    expiresAt: r.expires_at, lastUsedAt: r.last_used_at, lastUsedIp: r.last_used_ip, revokedAt: r.revoked_at, revokedBy: r.revoked_by_label,
    state: r.revoked_at ? 'revoked' : r.expires_at <= now.toISOString() ? 'expired' : 'active',
  };
}
