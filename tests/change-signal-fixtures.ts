import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createDb } from '../src/db/create-db.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

// For the tests of the PostgreSQL change signal (src/db/postgres-change-*.test.ts).

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(5);
  }
}

/** A migrated schema of the file's own, and a plain connection to it (psql, the CLI), for the whole file. */
export function useMigratedSchema(prefix: string): { database: TestDatabase; admin: pg.Client } {
  const held = {} as { database: TestDatabase; admin: pg.Client };
  beforeAll(async () => {
    held.database = await createTestDatabase(prefix);
    const { db, close } = createDb(held.database.url, { searchPath: held.database.schema! });
    await migrateToLatest(db);
    await close();
    held.admin = new pg.Client({ connectionString: held.database.url, options: `-c search_path=${held.database.schema}` });
    await held.admin.connect();
  });
  afterAll(async () => {
    await held.admin?.end();
    await held.database?.drop();
  });
  return held;
}

/** What the signal's log says, kept for the test to read. */
export function logSink() {
  const lines: Array<{ level: 'warn' | 'info'; msg: string; obj: Record<string, unknown> }> = [];
  return {
    lines,
    log: {
      warn: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'warn', msg, obj }),
      info: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'info', msg, obj }),
    } as never,
  };
}

/**
 * A proxy between the signal and the server: `frozen` forwards nothing either
 * way (a NAT dropping an idle connection); `delayMs` holds back what the server
 * sends (a loaded server, or event loop). `url(base)` points a URL at it.
 */
export async function signalProxy() {
  const sockets: net.Socket[] = [];
  const proxy = { frozen: false, delayMs: 0, url: (base: string) => base, close: async () => {} };
  const server = net.createServer((client) => {
    const upstream = net.connect(5432, '127.0.0.1');
    sockets.push(client, upstream);
    client.on('data', (d) => !proxy.frozen && upstream.write(d));
    // Every chunk through the same timer length: they stay in order.
    upstream.on('data', (d) => {
      if (proxy.frozen) return;
      if (proxy.delayMs) setTimeout(() => client.write(d), proxy.delayMs);
      else client.write(d);
    });
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  proxy.url = (base) => {
    const u = new URL(base);
    u.host = `127.0.0.1:${port}`;
    return u.toString();
  };
  proxy.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  };
  return proxy;
}
