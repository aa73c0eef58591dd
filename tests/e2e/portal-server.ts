import type { AddressInfo } from 'node:net';
import { createServer, type RequestListener } from 'node:http';
import pino from 'pino';
import { createApp } from '../../src/app.ts';
import { boot, type Runtime } from '../../src/boot.ts';
import type { Clock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { DEMO, seedDemoIfEmpty, seedHelpIfEmpty } from '../../src/demo/seed-demo.ts';
import { portalListener } from '../../src/web/portal-listener.ts';
import { SmtpPeer } from '../smtp-peer.ts';
import { createTestDatabase } from '../test-database.ts';

/**
 * The real portal over real HTTP, for the browser: its own SMTP peer, the
 * shipped help corpus and the demo customer, on a free port of 127.0.0.1.
 * SQLite in memory by default; with DATABASE_URL=postgres://… a schema of its
 * own on that server, dropped by close(). The system clock, like production,
 * unless told otherwise (a ShiftedClock, to reach a scheduled time at once).
 */
export interface PortalServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  smtp: SmtpPeer;
  runtime: Runtime;
  demo: typeof DEMO;
  close(): Promise<void>;
}

/**
 * The system clock plus an offset the test moves forward: time still passes
 * (sessions, TOTP steps, the browser's own requests), and a test that needs
 * "later" jumps there instead of waiting. The portal's jobs are then run with
 * runtime.scheduler.runDue(), whose timers are not started here.
 */
export class ShiftedClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/**
 * `env`: settings over the defaults below (e.g. SIGN_IN_FAILURE_DELAY_MS for a walk that fails sign-ins on purpose).
 * `clock`: the portal's clock (the system's by default).
 */
export async function startPortalServer(options: { env?: Record<string, string>; clock?: Clock } = {}): Promise<PortalServer> {
  const smtp = new SmtpPeer();
  const smtpUrl = await smtp.start();

  // Listen first (port 0: the system picks a free one, no race), then build
  // the portal with PUBLIC_URL on that port; requests before that get a 503.
  // Once built, requests take the same path as in src/server.ts: the page
  // cache first, then the framework.
  let listener: RequestListener = (_req, res) => {
    res.writeHead(503).end('arrancando');
  };
  const server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const database = await createTestDatabase('e2e');
  const { url: databaseUrl, schema } = database;

  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    SMTP_URL: smtpUrl,
    PUBLIC_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const runtime = await boot(config, pino({ level: 'silent' }), {
    ...(schema ? { db: { searchPath: schema, poolSize: 4 } } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await seedHelpIfEmpty(runtime.deps);
  const demo = await seedDemoIfEmpty(runtime.deps);
  if (!demo) throw new Error('the e2e database already had customers: the demo customer was not loaded');
  runtime.worker.start();
  const app = createApp(runtime.deps);
  listener = portalListener(runtime.deps, app);

  return {
    url,
    smtp,
    runtime,
    demo,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await runtime.close();
      await smtp.stop();
      await database.drop();
    },
  };
}
