import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What the message is about ("credentials", "password-reset"…), for the operator's listing. */
  kind: string;
}

/**
 * Queue a message. Call it with the transaction of the change that causes the
 * mail: both are saved or neither is. The worker sends it afterwards.
 */
export async function enqueueMail(db: Kysely<Database>, m: MailMessage, now: Date): Promise<string> {
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
    })
    .execute();
  return id;
}
