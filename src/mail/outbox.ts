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
}

/**
 * Queue a message. Call it with the transaction of the change that causes the
 * mail: both are saved or neither is. The worker sends it afterwards.
 */
export async function enqueueMail(db: Kysely<Database>, m: MailMessage, now: Date): Promise<string> {
  // A template that wrote a secret into the body itself would leave it in the table after sending.
  for (const value of Object.values(m.secrets ?? {})) {
    if (m.subject.includes(value) || m.text.includes(value) || m.html.includes(value)) {
      throw new Error(`mail "${m.kind}" carries a secret in its subject or body: write its placeholder (MailSecrets) instead`);
    }
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
    })
    .execute();
  return id;
}
