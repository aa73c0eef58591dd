import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** Where the outbox worker hands a message. */
export interface MailTransport {
  readonly kind: 'smtp' | 'dev-mailbox';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail(mail);
    },
    close: () => transporter.close(),
  };
}

/**
 * Development without SMTP: the message stays in the outbox table and the
 * portal's /dev/correo page shows it; "sending" only marks it delivered.
 */
export const devMailboxTransport: MailTransport = {
  kind: 'dev-mailbox',
  async send() {},
  close() {},
};
