import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** What the peer saw of one message, whatever it answered. */
export interface ReceivedData {
  messageId: string | undefined;
  to: string[];
  /** When its DATA ended here (Date.now()). */
  at: number;
}

/**
 * A real SMTP server in the test process: the portal's nodemailer talks to
 * it over TCP like it would to any mail server. `refuse` makes it answer
 * 451 (try again later) to every message until turned off; `rejectRecipients`
 * answers 550 to RCPT TO for those addresses; `dataDelayMs` holds the answer
 * to the end of DATA (a slow server); `stall` leaves the next N messages
 * without any answer at all (a server that hangs after DATA).
 */
export class SmtpPeer {
  readonly messages: ParsedMail[] = [];
  /** Every message whose DATA arrived, accepted or not, in order. */
  readonly received: ReceivedData[] = [];
  refuse = false;
  refusedCount = 0;
  readonly rejectRecipients = new Set<string>();
  dataDelayMs = 0;
  stall = 0;
  /** While true, a new connection gets no greeting (the client waits, connected, before sending anything); counted in `connections`. */
  holdGreetings = false;
  connections = 0;
  private held: Array<() => void> = [];
  private server: SMTPServer;
  private waiters: Array<() => void> = [];
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect: (_session, callback) => {
        this.connections++;
        if (this.holdGreetings) this.held.push(() => callback());
        else callback();
      },
      onRcptTo: (address, _session, callback) => {
        if (this.rejectRecipients.has(address.address.toLowerCase())) {
          callback(Object.assign(new Error('Buzón inexistente'), { responseCode: 550 }));
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const headerEnd = raw.search(/\r?\n\r?\n/);
          const head = headerEnd < 0 ? raw : raw.slice(0, headerEnd);
          this.received.push({
            messageId: /^message-id:\s*(\S+)/im.exec(head)?.[1],
            to: session.envelope.rcptTo.map((a) => a.address.toLowerCase()),
            at: Date.now(),
          });
          for (const w of this.waiters.splice(0)) w();
          if (this.stall > 0) {
            this.stall--;
            return;
          }
          if (this.dataDelayMs > 0) setTimeout(() => this.answer(chunks, callback), this.dataDelayMs);
          else this.answer(chunks, callback);
        });
      },
    });
  }

  private answer(chunks: Buffer[], callback: (err?: Error | null) => void): void {
    if (this.refuse) {
      this.refusedCount++;
      const err = Object.assign(new Error('Servidor ocupado, intente más tarde'), { responseCode: 451 });
      callback(err);
      return;
    }
    simpleParser(Buffer.concat(chunks))
      .then((mail) => {
        this.messages.push(mail);
        for (const w of this.waiters.splice(0)) w();
        callback();
      })
      .catch(callback);
  }

  /** Greet the held connections (those whose client is gone just close) and hold no more. */
  releaseGreetings(): void {
    this.holdGreetings = false;
    for (const greet of this.held.splice(0)) greet();
  }

  /** Until the peer has seen the DATA of `n` messages in all (accepted or not). */
  async waitForReceived(n: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.received.length} of ${n} messages reached the peer within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Listen on `port` (0: any free one); returns the SMTP URL to configure. */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as { port: number }).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    this.releaseGreetings();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The first message to `to` (matching `subject` if given), waiting for it to arrive. */
  async waitFor(to: string, subject?: RegExp, timeoutMs = 10_000): Promise<ParsedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((m) => addresses(m).includes(to.toLowerCase()) && (!subject || subject.test(m.subject ?? '')));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  to(address: string): ParsedMail[] {
    return this.messages.filter((m) => addresses(m).includes(address.toLowerCase()));
  }
}

function addresses(m: ParsedMail): string[] {
  const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
  return to.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

/** The temporary password from a credentials mail. */
export function temporaryPasswordIn(mail: ParsedMail): string {
  const m = /Clave temporal:\s*(\S+)/.exec(mail.text ?? '');
  if (!m) throw new Error('no temporary password in mail');
  return m[1]!;
}

/** The reset link from a password-reset mail, as a path. */
export function resetPathIn(mail: ParsedMail): string {
  const m = /(\/restablecer\?token=[\w-]+)/.exec(mail.text ?? '');
  if (!m) throw new Error('no reset link in mail');
  return m[1]!;
}

/** The first link in a mail's text to a path starting with `pathPrefix` (e.g. /proveedor/invitacion), as a path with its query. */
export function linkPathIn(mail: ParsedMail, pathPrefix: string): string {
  for (const m of (mail.text ?? '').matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const u = new URL(m[0]);
    if (u.pathname.startsWith(pathPrefix)) return u.pathname + u.search;
  }
  throw new Error(`no link to ${pathPrefix} in mail «${mail.subject ?? ''}»`);
}
