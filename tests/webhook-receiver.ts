import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';
import type { Database } from '../src/db/schema.ts';

/**
 * A vendor's webhook receiver in the test process: node:http on 127.0.0.1.
 * Every request's signature is checked twice, by the standardwebhooks
 * package (Webhook.verify, with the portal's clock as "now", since tests run
 * on a ManualClock) and by an HMAC computed here from the spec alone; a
 * request that fails either is answered 401 and counted in `badSignatures`.
 * `answer` decides each reply: a status, 'hang' (never answer: the portal's
 * timeout), or 'reset' (cut the connection).
 */
export type Answer = number | 'hang' | 'reset';

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  signature: string;
  body: string;
  type: string;
  answered: Answer;
  contentType: string | undefined;
}

export class WebhookReceiver {
  readonly secret = `whsec_${randomBytes(32).toString('base64')}`;
  readonly received: ReceivedWebhook[] = [];
  badSignatures = 0;
  /** Requests for an id that arrived while another for the same id was still being answered (two senders at once). */
  overlaps = 0;
  private readonly answering = new Map<string, number>();
  /** Decides the answer to each request (after the signature checks pass). */
  answer: (w: Omit<ReceivedWebhook, 'answered'>, nth: number) => Answer | Promise<Answer> = () => 204;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly now: () => Date) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Listen (again, on the same port after stop(): the portal's URL stays valid). */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stop listening: the next try is refused (ECONNREFUSED). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** The ids answered 2xx, one entry per success. */
  successes(): string[] {
    return this.received.filter((r) => typeof r.answered === 'number' && r.answered >= 200 && r.answered < 300).map((r) => r.id);
  }

  /** Register this receiver as an endpoint for `events` (what the console does), its id. */
  async register(db: Kysely<Database>, events: readonly string[], over: { disabled?: boolean; url?: string } = {}): Promise<string> {
    const id = randomUUID();
    const at = this.now().toISOString();
    await db
      .insertInto('webhook_endpoints')
      .values({ id, url: over.url ?? this.url, description: 'Receptor de prueba', events: events.join(' '), secret: this.secret, created_at: at, created_by_label: 'test', updated_at: at, disabled_at: over.disabled ? at : null })
      .execute();
    return id;
  }

  /** Both checks of one request; the parsed body when they pass. */
  verify(headers: Record<string, string>, body: string): unknown {
    vi.useFakeTimers({ toFake: ['Date'], now: this.now() });
    let parsed: unknown;
    try {
      parsed = new Webhook(this.secret).verify(body, headers);
    } finally {
      vi.useRealTimers();
    }
    // The same, from the spec: HMAC-SHA256 over "id.timestamp.body" with the base64-decoded secret.
    const key = Buffer.from(this.secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
    const offered = (headers['webhook-signature'] ?? '').split(' ').filter((s) => s.startsWith('v1,')).map((s) => s.slice(3));
    if (!offered.includes(expected)) throw new Error('independent HMAC does not match');
    return parsed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    let type = '';
    try {
      type = (this.verify(headers, body) as { type: string }).type;
    } catch {
      this.badSignatures++;
      res.writeHead(401).end('firma inválida');
      return;
    }
    const w = { id: headers['webhook-id']!, timestamp: Number(headers['webhook-timestamp']), signature: headers['webhook-signature']!, body, type, contentType: req.headers['content-type'] };
    const busy = this.answering.get(w.id) ?? 0;
    if (busy > 0) this.overlaps++;
    this.answering.set(w.id, busy + 1);
    let answered: Answer;
    try {
      answered = await this.answer(w, this.received.filter((r) => r.id === w.id).length + 1);
    } finally {
      this.answering.set(w.id, (this.answering.get(w.id) ?? 1) - 1);
    }
    this.received.push({ ...w, answered });
    if (answered === 'hang') return;
    if (answered === 'reset') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answered, answered >= 300 && answered < 400 ? { location: 'http://169.254.169.254/latest/meta-data/' } : {}).end(answered >= 400 ? 'Error interno del receptor '.repeat(40) : '');
  }
}
