import { hash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are stored only as their SHA-256: a leaked table opens no session. */
// crypto.hash, the one-shot form: a third of createHash's time, and every signed-in request hashes its cookie.
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}
