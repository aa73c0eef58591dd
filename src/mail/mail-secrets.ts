import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../html/escape-html.ts';

/**
 * The secret parts of a mail (a temporary password, a reset link) never sit
 * in its stored bodies: a template writes a placeholder where the secret
 * goes, and the value travels beside the message (MailMessage.secrets →
 * outbox.secrets). The worker fills the placeholders in at send time, and the
 * update that marks the row sent or dead sets outbox.secrets to NULL, so a
 * delivered mail leaves nothing usable in the database.
 *
 * Each placeholder carries a random nonce: a name or text typed by a user can
 * never spell a placeholder and pull the secret into another place.
 */
export class MailSecrets {
  readonly values: Record<string, string> = {};

  /** The placeholder to write in the text and HTML bodies where `value` goes. */
  add(name: string, value: string): string {
    if (!/^[a-zA-Z]+$/.test(name)) throw new Error(`secret name must be letters only: ${name}`);
    const placeholder = `{{secreto:${name}:${randomBytes(9).toString('base64url')}}}`;
    this.values[placeholder] = value;
    return placeholder;
  }
}

/** Any placeholder, filled or not; the name is group 1. */
const PLACEHOLDER = /\{\{secreto:([a-zA-Z]+):[\w-]+\}\}/g;

export class MissingSecret extends Error {
  constructor(readonly names: string[]) {
    super(`faltan los datos secretos del correo (${names.join(', ')}): no se puede enviar`);
  }
}

export type BodyFormat = 'text' | 'html';

/**
 * The body as it must be sent; in HTML the value is escaped as the template
 * would have escaped it. Throws MissingSecret when a placeholder has no
 * value: better no mail than one with a hole.
 */
export function fillSecrets(body: string, secrets: Record<string, string> | null, format: BodyFormat): string {
  const filled = substitute(body, secrets, format);
  const missing = [...filled.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  if (missing.length > 0) throw new MissingSecret(missing);
  return filled;
}

/** Whether the body has a secret's placeholder in it. */
export function hasSecretPlaceholder(body: string): boolean {
  return new RegExp(PLACEHOLDER.source).test(body);
}

/** The body with every placeholder shown as a note: what the dev mailbox shows of a mail whose secrets are gone. */
export function redactSecrets(body: string): string {
  return body.replace(PLACEHOLDER, (_m, name: string) => `[${name}: borrado de la base al entregar el correo]`);
}

/** The body with every placeholder shown as «oculto»: what the console shows of any mail, sent or not (the secret itself is never read). */
export function hideSecrets(body: string): string {
  return body.replace(PLACEHOLDER, '«oculto»');
}

/** outbox.secrets as stored (JSON or NULL) → the map; anything unreadable counts as no secrets (fillSecrets then refuses). */
export function parseSecrets(stored: string | null): Record<string, string> | null {
  if (!stored) return null;
  try {
    const v = JSON.parse(stored) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return null;
  }
}

export function serializeSecrets(secrets: Record<string, string> | undefined): string | null {
  return secrets && Object.keys(secrets).length > 0 ? JSON.stringify(secrets) : null;
}

/**
 * A pending outbox row's bodies as they will be sent (placeholders filled,
 * or shown as notes once the secrets are gone). For tests and the dev
 * mailbox, which read mail from the table.
 */
export function readableMail<R extends { text_body: string; html_body: string; secrets?: string | null }>(row: R): R {
  const secrets = parseSecrets(row.secrets ?? null);
  return {
    ...row,
    text_body: redactSecrets(substitute(row.text_body, secrets, 'text')),
    html_body: redactSecrets(substitute(row.html_body, secrets, 'html')),
  };
}

function substitute(body: string, secrets: Record<string, string> | null, format: BodyFormat): string {
  let filled = body;
  for (const [placeholder, value] of Object.entries(secrets ?? {})) filled = filled.split(placeholder).join(format === 'html' ? escapeHtml(value) : value);
  return filled;
}
