import nodemailer from 'nodemailer';
import { OldestKeys } from '../cache/oldest-keys.ts';

export interface OutgoingMail {
  /** The outbox row it comes from. */
  outboxId: string;
  from: string;
  to: string;
  subject: string;
  /** Bodies as sent: secrets filled in. */
  text: string;
  html: string;
  messageId: string;
  /** Extra headers, secrets filled in (List-Unsubscribe…). */
  headers?: Record<string, string>;
}

/** Where the outbox worker hands a message. */
export interface MailTransport {
  readonly kind: 'smtp' | 'dev-mailbox';
  /** Resolves once the receiving server accepted the message; rejects promptly when `signal` aborts. */
  send(mail: OutgoingMail, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/**
 * SMTP through nodemailer, one connection per message. Every wait (TCP
 * connect, greeting, each reply including the one to the end of DATA) is
 * bounded by `timeoutMs`, well below the worker's lease, and the worker's
 * signal cuts the connection at once (stop, or a lease lost to another
 * worker). Timeouts given in the URL's query (?socketTimeout=…) win.
 */
export function smtpTransport(url: string, timeoutMs = 15_000): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  });
  return {
    kind: 'smtp',
    async send(mail, signal) {
      const { outboxId: _id, ...message } = mail;
      // nodemailer 10 takes the signal (SMTP transport: supportsAbortSignal); its types do not list it yet.
      await transporter.sendMail({ ...message, ...(signal ? { signal } : {}) } as Parameters<typeof transporter.sendMail>[0]);
    },
    close: () => transporter.close(),
  };
}

/**
 * Development without SMTP: "sending" keeps the mail, secrets filled in, in
 * this process's memory, where the /dev/correo page reads it. The outbox row
 * is marked delivered and loses its secrets like any other, so the database
 * holds no usable secret here either; a restart forgets these copies (the
 * page then shows the stored body, its secrets marked as erased).
 */
export class DevMailbox implements MailTransport {
  readonly kind = 'dev-mailbox';
  private readonly mails = new Map<string, OutgoingMail>();
  private readonly oldest = new OldestKeys(this.mails);

  constructor(private readonly keep = 200) {}

  async send(mail: OutgoingMail): Promise<void> {
    this.mails.set(mail.outboxId, mail);
    while (this.mails.size > this.keep) this.mails.delete(this.oldest.next()!);
  }

  /** The mail as delivered, if this process delivered it. */
  delivered(outboxId: string): OutgoingMail | undefined {
    return this.mails.get(outboxId);
  }

  close(): void {}
}
