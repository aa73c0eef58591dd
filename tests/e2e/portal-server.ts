import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import pino from 'pino';
import { createApp } from '../../src/app.ts';
import { boot, type Runtime } from '../../src/boot.ts';
import { loadConfig } from '../../src/config.ts';
import { DEMO, seedDemoIfEmpty, seedHelpIfEmpty } from '../../src/demo/seed-demo.ts';
import { SmtpPeer } from '../smtp-peer.ts';
import { createTestDatabase } from '../test-database.ts';

/**
 * The real portal over real HTTP, for the browser: its own SMTP peer, the
 * shipped help corpus and the demo customer, on a free port of 127.0.0.1.
 * SQLite in memory by default; with DATABASE_URL=postgres://… a schema of its
 * own on that server, dropped by close(). The system clock, like production.
 */
export interface PortalServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  url: string;
  smtp: SmtpPeer;
  runtime: Runtime;
  demo: typeof DEMO;
  close(): Promise<void>;
}

export async function startPortalServer(): Promise<PortalServer> {
  const smtp = new SmtpPeer();
  const smtpUrl = await smtp.start();

  // Listen first (port 0: the system picks a free one, no race), then build
  // the portal with PUBLIC_URL on that port; requests before that get a 503.
  let fetch: ((req: Request, env: unknown) => Response | Promise<Response>) | undefined;
  let server!: ServerType;
  const port = await new Promise<number>((resolve) => {
    server = serve(
      { fetch: (req, env) => (fetch ? fetch(req, env) : new Response('arrancando', { status: 503 })), port: 0, hostname: '127.0.0.1' },
      (info: AddressInfo) => resolve(info.port),
    );
  });
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
  });
  const runtime = await boot(config, pino({ level: 'silent' }), schema ? { db: { searchPath: schema, poolSize: 4 } } : {});
  await seedHelpIfEmpty(runtime.deps);
  const demo = await seedDemoIfEmpty(runtime.deps);
  if (!demo) throw new Error('the e2e database already had customers: the demo customer was not loaded');
  runtime.worker.start();
  const app = createApp(runtime.deps);
  fetch = (req, env) => app.fetch(req, env);

  return {
    url,
    smtp,
    runtime,
    demo,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await runtime.close();
      await smtp.stop();
      await database.drop();
    },
  };
}
