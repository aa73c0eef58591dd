import { randomBytes } from 'node:crypto';

/**
 * An API token: "mpt_" (Mi Portal token, so a leaked one is recognisable
 * in a repository or a log scanner), 8 hex characters that are also its
 * public prefix, a dot, and 256 random bits. Only the SHA-256 of the whole
 * is stored; the prefix tells tokens apart in the console and the audit.
 */
export const TOKEN_PATTERN = /^mpt_[0-9a-f]{8}\.[A-Za-z0-9_-]{43}$/;

export function newApiToken(): { token: string; prefix: string } {
  const prefix = `mpt_${randomBytes(4).toString('hex')}`;
  return { token: `${prefix}.${randomBytes(32).toString('base64url')}`, prefix };
}

export function tokenPrefix(token: string): string {
  return token.slice(0, 12);
}
