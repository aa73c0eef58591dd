import { Server as NetServer, type Socket } from 'node:net';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/**
 * Shutting the HTTP server down without resetting anyone's request.
 *
 * Node's `server.close()` stops accepting and closes the connections idle at
 * that instant, once; a keep-alive client that keeps sending gets served
 * until the deadline and is then cut mid-request. Here, from the moment
 * draining starts:
 *  - every response not yet begun carries `Connection: close`, so the client
 *    knows not to send another request on it and Node closes it after the
 *    answer (the page cache's answers included: they pass through `wrap`);
 *  - a connection that goes idle without having said so (it was idle when
 *    draining began, or its answer had started before) is closed after
 *    `idleGraceMs` of idleness, checked each time it goes idle, not once.
 *    Closing it at once races the client's next request, already on the wire
 *    (RFC 9112 §9.6): that is the reset this avoids. A request that arrives
 *    within the grace is answered, with `Connection: close`;
 *  - the deadline cuts what is left.
 * Also: a request whose connection closed before its answer was sent is
 * logged at info (an aborted request is the client's doing, not an error).
 */
export interface HttpDrainOptions {
  log: Logger;
  /** How long a connection may sit idle, once draining, before it is closed (default 1 s). */
  idleGraceMs?: number;
}

interface ConnectionState {
  active: number;
  idleTimer: NodeJS.Timeout | undefined;
}

export class HttpDrain {
  private drainingValue = false;
  private readonly connections = new Map<Socket, ConnectionState>();
  private readonly unanswered = new Set<ServerResponse>();

  constructor(
    private readonly server: Server,
    private readonly o: HttpDrainOptions,
  ) {
    server.on('connection', (socket: Socket) => {
      const state: ConnectionState = { active: 0, idleTimer: undefined };
      this.connections.set(socket, state);
      socket.once('close', () => {
        clearTimeout(state.idleTimer);
        this.connections.delete(socket);
      });
      // Accepted just before the listener closed.
      if (this.drainingValue) this.closeWhenIdle(socket, state);
    });
  }

  get draining(): boolean {
    return this.drainingValue;
  }

  /** The server's request listener, counted per connection and told to close once draining. */
  wrap(listener: RequestListener): RequestListener {
    return (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      const state = this.connections.get(socket);
      if (state) {
        state.active++;
        clearTimeout(state.idleTimer);
        state.idleTimer = undefined;
      }
      this.unanswered.add(res);
      if (this.drainingValue) res.setHeader('Connection', 'close');
      res.once('close', () => {
        this.unanswered.delete(res);
        // The path alone: a query may carry a reset or invitation token, and logs are read by more people than the database.
        if (!res.writableFinished) this.o.log.info({ method: req.method, path: (req.url ?? '').split('?')[0] }, 'request aborted: the connection closed before the answer was sent');
        if (state && --state.active === 0 && this.drainingValue) this.closeWhenIdle(socket, state);
      });
      listener(req, res);
    };
  }

  /**
   * Stop accepting, let what is in flight finish, close connections as they
   * go idle; resolves when the last one is closed, or at `deadlineMs` (the
   * rest are then cut). Returns how many connections the deadline cut.
   */
  async drain(deadlineMs: number): Promise<number> {
    if (this.drainingValue) return 0;
    this.drainingValue = true;
    // net.Server's close, not http.Server's: the latter also closes every idle
    // connection at once, the race described above.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(this.server, () => resolve()));
    for (const res of this.unanswered) if (!res.headersSent) res.setHeader('Connection', 'close');
    for (const [socket, state] of this.connections) if (state.active === 0) this.closeWhenIdle(socket, state);
    let cut = 0;
    const deadline = setTimeout(() => {
      cut = this.connections.size;
      this.o.log.warn({ connections: cut }, `connections still open after ${deadlineMs} ms, closing them`);
      for (const socket of this.connections.keys()) socket.destroy();
    }, deadlineMs);
    deadline.unref();
    await closed;
    clearTimeout(deadline);
    return cut;
  }

  private closeWhenIdle(socket: Socket, state: ConnectionState): void {
    clearTimeout(state.idleTimer);
    state.idleTimer = setTimeout(() => {
      if (state.active === 0) socket.destroy();
    }, this.o.idleGraceMs ?? 1_000);
    state.idleTimer.unref();
  }
}
