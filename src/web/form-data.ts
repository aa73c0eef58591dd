import type { Context } from 'hono';
import type { AppEnv } from './env.ts';

/** The text fields of a posted form (files and repeated fields ignored). */
export async function formFields(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Only a path on this site may be a "come back here" target. */
export function safeReturnPath(value: string | undefined): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  return value;
}
