import { MissingSecret } from './mail-secrets.ts';

/**
 * Why a send failed, which decides what the worker does next:
 * - permanent: the server answered 5xx to this message (its sender, a
 *   recipient, its content), or the message cannot be built: trying again
 *   gives the same answer. Dead-lettered after this one attempt.
 * - deferred: a 4xx answer to this message (mailbox full, greylisting):
 *   retried with backoff.
 * - connection: no answer about the message at all — refused or timed-out
 *   connection, a dropped socket, or the server refusing the session
 *   (greeting, EHLO, authentication, even with a 5xx: that is our
 *   configuration, not this mail). Retried with backoff, and brought forward
 *   as soon as any mail gets through again.
 */
export type FailureKind = 'permanent' | 'deferred' | 'connection';

// The commands whose answer is about the message itself (nodemailer's err.command).
const MESSAGE_COMMANDS = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);
// nodemailer's codes for a message it refuses to send before talking to anyone (no recipients, too big…).
const MESSAGE_CODES = new Set(['EENVELOPE', 'EMESSAGE']);

export function classifySendFailure(err: unknown): FailureKind {
  if (err instanceof MissingSecret) return 'permanent';
  const e = (err ?? {}) as { responseCode?: unknown; code?: unknown; command?: unknown };
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const aboutMessage = typeof e.command === 'string' && MESSAGE_COMMANDS.has(e.command);
  if (reply !== undefined && aboutMessage) {
    if (reply >= 500 && reply < 600) return 'permanent';
    if (reply >= 400 && reply < 500) return 'deferred';
  }
  if (reply === undefined && typeof e.code === 'string' && MESSAGE_CODES.has(e.code) && e.command === 'API') return 'permanent';
  return 'connection';
}
