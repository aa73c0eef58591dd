import { hash } from 'node:crypto';

/**
 * A resource's ETag: a strong validator computed from its JSON
 * representation, so any change to what a client sees changes it, and
 * nothing else does. Quoted, as HTTP wants it.
 */
export function etagOf(representation: unknown): string {
  return `"${hash('sha256', JSON.stringify(representation), 'base64url').slice(0, 27)}"`;
}

/**
 * Whether an If-Match header lets an update go ahead on a resource whose
 * current ETag is `current` (RFC 9110 §13.1.1): absent → yes (the header is
 * optional; a client that wants lost-update protection sends it); "*" → yes;
 * otherwise one of the listed strong tags must equal it (a weak W/"…" never
 * matches, as the strong comparison requires).
 */
export function ifMatchAllows(header: string | undefined, current: string): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  if (value === '*') return true;
  return value.split(',').map((t) => t.trim()).some((t) => !t.startsWith('W/') && t === current);
}
