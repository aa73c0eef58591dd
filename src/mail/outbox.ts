import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { serializeSecrets } from './mail-secrets.ts';

export interface MailMessage {
  to: string;
  subject: string;
  /** Bodies as stored: a secret appears only as its placeholder (see mail-secrets.ts). */
  text: string;
  html: string;
  /** What the message is about ("credentials", "password-reset"…), for the operator's listing. */
  kind: string;
  /**
   * Placeholder → secret value, filled into the bodies at send time and
   * erased from the outbox when the mail is sent or given up on. Templates
   * build it with MailSecrets; a mail without secrets leaves it out.
   */
  secrets?: Record<string, string>;
  /**
   * Extra headers (List-Unsubscribe…). A value may hold a secret's
   * placeholder, filled in at send time like the bodies.
   */
  headers?: Record<string, string>;
}

/** A header the outbox may add: a plain name, never one the worker sets itself. */
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const RESERVED_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'message-id', 'date', 'content-type', 'mime-version', 'content-transfer-encoding']);

/**
 * Queue a message. Call it with the transaction of the change that causes the
 * mail: both are saved or neither is. The worker sends it afterwards.
 */
export async function enqueueMail(db: Kysely<Database>, m: MailMessage, now: Date): Promise<string> {
  // A template that wrote a secret into the body itself would leave it in the table after sending.
  const headerValues = Object.values(m.headers ?? {});
  for (const value of Object.values(m.secrets ?? {})) {
    if (m.subject.includes(value) || m.text.includes(value) || m.html.includes(value) || headerValues.some((h) => h.includes(value))) {
      throw new Error(`mail "${m.kind}" carries a secret in its subject, body or headers: write its placeholder (MailSecrets) instead`);
    }
  }
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    // A line break in a value would start a header of its own.
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase()) || /[\r\n]/.test(value)) throw new Error(`mail "${m.kind}" has an unacceptable header: ${name}`);
  }
  const id = randomUUID();
  await db
    .insertInto('outbox')
    .values({
      id,
      to_address: m.to,
      subject: m.subject,
      text_body: m.text,
      html_body: m.html,
      kind: m.kind,
      created_at: now.toISOString(),
      attempts: 0,
      next_attempt_at: now.toISOString(),
      locked_until: null,
      sent_at: null,
      last_error: null,
      secrets: serializeSecrets(m.secrets),
      headers: m.headers && Object.keys(m.headers).length > 0 ? JSON.stringify(m.headers) : null,
    })
    .execute();
  return id;
}
