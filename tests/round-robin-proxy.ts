import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One portal instance behind the proxy. */
export interface Upstream {
  label: string;
  port: number;
  /** Refused a connection: skipped until then (nginx's fail_timeout), tried again after. */
  downUntil: number;
}

interface UpstreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The request could not be handed over or answered; `sent` says whether any of it may have reached the instance. */
class ForwardError extends Error {
  constructor(
    readonly code: string,
    readonly sent: boolean,
  ) {
    super(code);
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer'];

/**
 * A small reverse proxy in the test process, standing in for nginx: each
 * request goes to the next instance in turn, with X-Forwarded-For, and the
 * answer says which instance served it (X-Served-By, for the test).
 *
 * When an instance fails, the rule is nginx's `proxy_next_upstream error`:
 * - connection refused (the instance is gone): nothing of the request reached
 *   it, so any request, a POST too, goes to the next live instance, and the
 *   dead one is skipped for a while;
 * - the connection broke after the request was sent (killed mid-request):
 *   a GET is sent again to the next instance, a POST is NOT. The dead
 *   instance may have committed the POST (created the user, queued the
 *   mail) in the instant before it died; sending it again would do it a
 *   second time, or answer a confusing "already exists". The client gets a
 *   502 and is told nothing succeeded; whether it did is for it to look up
 *   (a person reloads the list).
 * Upstream answers are read whole before the client gets a byte, so a GET
 * cut mid-body is retried too. One connection per request upstream (no
 * pooled socket that a killed instance left half-closed).
 */
export class RoundRobinProxy {
  readonly upstreams: Upstream[];
  readonly stats = { requests: 0, retried: 0, refused: 0, cutAfterSend: 0, badGateway: 0 };
  private next = 0;
  private server: Server | undefined;
  url = '';

  constructor(upstreams: Array<{ label: string; port: number }>, private readonly o: { downForMs?: number; upstreamTimeoutMs?: number } = {}) {
    this.upstreams = upstreams.map((u) => ({ ...u, downUntil: 0 }));
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next instance in turn that is not skipped and not yet tried for this request (a skipped one when none else is left). */
  private pick(tried: Set<Upstream>): Upstream | undefined {
    const n = this.upstreams.length;
    const now = Date.now();
    for (const wantLive of [true, false]) {
      for (let i = 0; i < n; i++) {
        const u = this.upstreams[(this.next + i) % n]!;
        if (tried.has(u) || (wantLive && u.downUntil > now)) continue;
        this.next = (this.next + i + 1) % n;
        return u;
      }
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const tried = new Set<Upstream>();
    for (;;) {
      const up = this.pick(tried);
      if (!up) break;
      tried.add(up);
      try {
        const answer = await this.send(up, req, body);
        const headers: IncomingHttpHeaders = { ...answer.headers };
        for (const h of HOP_BY_HOP) delete headers[h];
        headers['content-length'] = String(answer.body.length);
        headers['x-served-by'] = up.label;
        res.writeHead(answer.status, headers as Record<string, string | string[]>);
        res.end(answer.body);
        return;
      } catch (err) {
        const e = err instanceof ForwardError ? err : new ForwardError(String((err as Error).message), true);
        if (!e.sent) {
          this.stats.refused++;
          up.downUntil = Date.now() + (this.o.downForMs ?? 5_000);
        } else this.stats.cutAfterSend++;
        if (!e.sent || IDEMPOTENT.has(req.method ?? 'GET')) {
          this.stats.retried++;
          continue;
        }
        break;
      }
    }
    this.stats.badGateway++;
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'x-served-by': 'proxy' });
    res.end('Ninguna instancia del portal respondió.');
  }

  private send(up: Upstream, req: IncomingMessage, body: Buffer): Promise<UpstreamAnswer> {
    return new Promise((resolve, reject) => {
      const headers: IncomingHttpHeaders = { ...req.headers };
      for (const h of HOP_BY_HOP) delete headers[h];
      const prior = req.headers['x-forwarded-for'];
      headers['x-forwarded-for'] = `${prior ? `${prior}, ` : ''}${req.socket.remoteAddress ?? '127.0.0.1'}`;
      headers['x-forwarded-proto'] = 'http';
      headers['content-length'] = String(body.length);
      let connected = false;
      const out = request({ host: '127.0.0.1', port: up.port, method: req.method, path: req.url, headers, agent: false, timeout: this.o.upstreamTimeoutMs ?? 20_000 });
      out.on('socket', (s) => s.once('connect', () => (connected = true)));
      out.on('timeout', () => out.destroy(new Error('upstream timeout')));
      out.on('error', (err: NodeJS.ErrnoException) => reject(new ForwardError(err.code ?? err.message, connected || err.code !== 'ECONNREFUSED')));
      out.on('response', (r) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('error', (err: NodeJS.ErrnoException) => reject(new ForwardError(err.code ?? err.message, true)));
        r.on('aborted', () => reject(new ForwardError('aborted', true)));
        r.on('end', () => (r.complete ? resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(parts) }) : reject(new ForwardError('incomplete', true))));
      });
      out.end(body);
    });
  }
}
