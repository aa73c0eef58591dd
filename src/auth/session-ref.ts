import { z } from 'zod';

/**
 * How a page names one of the user's sessions. The sessions table's id is
 * the SHA-256 of the cookie token (session.ts): no cookie can be made back
 * from it, but it is still the row's whole key, so it is not printed into
 * pages, links or logs. A page carries only its first 16 hex digits (64 bits)
 * in a POST body, and the operation looks the prefix up among the signed-in
 * user's own sessions only: a prefix of someone else's session finds nothing
 * (404), and among one user's handful of sessions two equal prefixes do not
 * happen (if they ever did, the request is refused rather than guessed).
 */
export const SESSION_REF_LENGTH = 16;

export function sessionRefOf(sessionId: string): string {
  return sessionId.slice(0, SESSION_REF_LENGTH);
}

export const SessionRef = z
  .string({ error: 'Elija una sesión.' })
  .regex(new RegExp(`^[0-9a-f]{${SESSION_REF_LENGTH}}$`), 'La sesión indicada no existe.');
