import type { Kysely } from 'kysely';
import { isUuid } from '../customers/find-customer.ts';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import type { OutboxState } from './list-outbox.ts';
import { hasSecretPlaceholder, hideSecrets } from './mail-secrets.ts';


export interface MailView {
  id: string;
  to: string;
  subject: string;
  kind: string;
  state: OutboxState;
  failing: boolean;
  /** Set aside by staff (Descartar), not refused by the mail server. */
  discarded: boolean;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  sentAt: string | null;
  deadAt: string | null;
  /** The text body with each secret shown as «oculto»: the secrets column is never selected. */
  textBody: string;
  /** The mail carries a secret (a temporary password, a link). */
  hasSecret: boolean;
  /** …and that secret was erased from the database: the mail cannot be sent again as it was. */
  secretGone: boolean;
}

/** One outbox mail for the console; an unknown id is a 404. */
export async function viewMail(db: Kysely<Database>, id: string): Promise<MailView> {
  if (!isUuid(id)) throw notFound();
  const r = await db
    .selectFrom('outbox')
    .select((eb) => [
      'id', 'to_address', 'subject', 'kind', 'attempts', 'last_error', 'last_error_kind', 'created_at', 'next_attempt_at', 'sent_at', 'dead_at', 'text_body', 'html_body',
      // Whether secrets are still held, never what they are.
      eb('secrets', 'is not', null).as('has_secrets'),
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) throw notFound();
  const state: OutboxState = r.sent_at ? 'sent' : r.dead_at ? 'dead' : 'pending';
  const hasSecret = hasSecretPlaceholder(r.text_body) || hasSecretPlaceholder(r.html_body);
  return {
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    kind: r.kind,
    state,
    failing: state === 'pending' && r.attempts > 0,
    discarded: state === 'dead' && r.last_error_kind === 'discarded',
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    nextAttemptAt: state === 'pending' ? r.next_attempt_at : null,
    sentAt: r.sent_at,
    deadAt: r.dead_at,
    textBody: hideSecrets(r.text_body),
    hasSecret,
    secretGone: hasSecret && !Number(r.has_secrets),
  };
}
