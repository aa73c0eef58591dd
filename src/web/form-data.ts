import type { Context } from 'hono';
import type { AppEnv } from './env.ts';

/**
 * The text fields of a posted form, the last of a repeated field winning.
 * The body was read once, within its limit, by the CSRF check
 * (web/request-body.ts); nothing else reads it again.
 */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of postedForm(c)) out[k] = v;
  return out;
}

/** Every value of a repeated field (checkboxes), in the order sent. */
export function formValues(c: Context<AppEnv>, name: string): string[] {
  return postedForm(c).getAll(name);
}

function postedForm(c: Context<AppEnv>): URLSearchParams {
  const form = c.get('form');
  if (!form) throw new Error('form read before csrfProtection ran');
  return form;
}

const MAX_RETURN_PATH = 2048;
// Browsers drop tabs and newlines anywhere in a URL and read "\" as "/", so
// "/\t/evil.example" and "/\evil.example" are "//evil.example" to them; a
// control character in a Location header is an exception, not a redirect.
// Their percent-encoded forms are refused too, for whatever decodes once more.
const UNSAFE = /[\u0000-\u001f\u007f\\]|%(?:[01][0-9a-f]|7f)/i;

/**
 * Only a page of this site may be a "come back here" target. The value is
 * resolved against the portal's own origin and must stay on it; what comes
 * back is the URL's own serialisation (path, query, fragment), percent-encoded,
 * so it is always a valid Location header.
 */
export function safeReturnPath(value: string | undefined, origin: string): string | null {
  if (!value || value.length > MAX_RETURN_PATH || UNSAFE.test(value)) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  let url: URL;
  let base: URL;
  try {
    base = new URL(origin);
    url = new URL(value, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin) return null;
  // Resolving removes dot segments: "/.//evil.example" comes out as "//evil.example",
  // which a browser reads as another site. The result must itself be a plain path.
  const path = url.pathname + url.search + url.hash;
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return null;
  return path;
}
