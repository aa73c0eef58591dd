import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { SharedCache } from '../cache/shared-cache.ts';
import type { ChangedTables } from './change-signal.ts';
import { createDb } from './create-db.ts';
import { migrateToLatest } from './migrate.ts';
import { PostgresChangeSignal } from './postgres-change-signal.ts';

// sync(since): one barrier sent after `since` serves every caller that arrived before it was
// sent; a late answer is an answer (the connection and the caches are kept); a loss forgets
// what the old connection answered; a schema whose name has a dot is still its own.

const isPg = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(5);
  }
}

/** Between the signal and the server: what the server sends is held back `delayMs` (a loaded server, or event loop). */
async function slowProxy() {
  const sockets: net.Socket[] = [];
  const proxy = { delayMs: 0, port: 0, close: async () => {} };
  const server = net.createServer((client) => {
    const upstream = net.connect(5432, '127.0.0.1');
    sockets.push(client, upstream);
    client.on('data', (d) => upstream.write(d));
    // Every chunk through the same timer length: they stay in order.
    upstream.on('data', (d) => (proxy.delayMs ? setTimeout(() => client.write(d), proxy.delayMs) : client.write(d)));
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.port = (server.address() as net.AddressInfo).port;
  proxy.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  };
  return proxy;
}

describe.runIf(isPg)('PostgresChangeSignal barriers', () => {
  let database: TestDatabase;
  let admin: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase('csb');
    const { db, close } = createDb(database.url, { searchPath: database.schema! });
    await migrateToLatest(db);
    await close();
    admin = new pg.Client({ connectionString: database.url, options: `-c search_path=${database.schema}` });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  it('sync(since): at once once a barrier sent after `since` is answered, the one on the wire if sent after it, else the next, shared', async () => {
    const signal = new PostgresChangeSignal({ connectionString: database.url, searchPath: database.schema!, heartbeatMs: 600_000 });
    try {
      expect(await signal.ready(5_000)).toBe(true);
      const n = signal.barriers;
      const arrived = performance.now();
      await signal.sync(arrived);
      expect(signal.barriers).toBe(n + 1);
      // The same request's later lookups, and a request that arrived earlier: nothing more on the wire.
      await signal.sync(arrived);
      await signal.sync(arrived - 1_000);
      expect(signal.barriers).toBe(n + 1);

      // 50 requests that arrived before it was sent share one.
      const burst = performance.now();
      await Promise.all(Array.from({ length: 50 }, () => signal.sync(burst)));
      expect(signal.barriers).toBe(n + 2);

      // Arrived after the one on the wire was sent: the next one, one for all of them.
      const first = signal.sync();
      const later = performance.now();
      await Promise.all(Array.from({ length: 20 }, () => signal.sync(later)));
      await first;
      expect(signal.barriers).toBe(n + 4);

      // No `since` (a job, the CLI): a fresh one each time.
      await signal.sync();
      await signal.sync();
      expect(signal.barriers).toBe(n + 6);
    } finally {
      await signal.close();
    }
  });

  it('a commit that returned before `since` has been heard once sync(since) resolves, on a burst of 50 callers', async () => {
    const signal = new PostgresChangeSignal({ connectionString: database.url, searchPath: database.schema!, heartbeatMs: 600_000 });
    const heard: ChangedTables[] = [];
    signal.subscribe((t) => heard.push(t));
    try {
      expect(await signal.ready(5_000)).toBe(true);
      for (let i = 0; i < 20; i++) {
        heard.length = 0;
        await admin.query('update systems set name = name where false');
        const arrived = performance.now();
        await Promise.all(Array.from({ length: 50 }, () => signal.sync(arrived)));
        expect(heard, `commit ${i}`).toContainEqual(new Set(['systems']));
      }
    } finally {
      await signal.close();
    }
  });

  it('a late barrier: its callers go on uncached, the connection and the caches are kept, and the late answer turns them on again', async () => {
    const proxy = await slowProxy();
    const url = new URL(database.url);
    url.host = `127.0.0.1:${proxy.port}`;
    const lines: Array<{ level: string; msg: string }> = [];
    const log = { warn: (_: unknown, msg: string) => void lines.push({ level: 'warn', msg }), info: (_: unknown, msg: string) => void lines.push({ level: 'info', msg }) } as never;
    const signal = new PostgresChangeSignal({ connectionString: url.toString(), searchPath: database.schema!, log, heartbeatMs: 600_000, barrierTimeoutMs: 150, lostAfterMs: 10_000 });
    const heard: ChangedTables[] = [];
    signal.subscribe((t) => heard.push(t));
    const cache = new SharedCache<string>({ name: 'prueba', signal, tables: ['customers'], maxEntries: 10 });
    let loads = 0;
    const load = async () => `v${++loads}`;
    try {
      expect(await signal.ready(5_000)).toBe(true);
      expect(await cache.get('k', load)).toBe('v1');
      heard.length = 0;

      proxy.delayMs = 700;
      const started = performance.now();
      // Not held for the 700 ms: after 150 it goes to the database instead.
      expect(await cache.get('k', load)).toBe('v2');
      expect(performance.now() - started).toBeLessThan(600);
      expect(signal.check()).toBe(false);
      expect(signal.connected).toBe(true);
      expect(await cache.get('k', load)).toBe('v3');

      await until('the late answer', () => signal.check(), 3_000);
      proxy.delayMs = 0;
      // Nothing was emptied and nothing reconnected: the kept value is served again.
      expect(heard).toEqual([]);
      expect(signal.reconnects).toBe(0);
      expect(await cache.get('k', load)).toBe('v1');
      expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);

      // And it still hears.
      await admin.query('delete from customers where false');
      await until('the customers notification', () => heard.length > 0);
      expect(heard).toEqual([new Set(['customers'])]);
    } finally {
      cache.close();
      await signal.close();
      await proxy.close();
    }
  });

  it('a loss settles the barrier on the wire, and what the old connection answered serves nobody on the new one', async () => {
    const signal = new PostgresChangeSignal({ connectionString: database.url, searchPath: database.schema!, heartbeatMs: 600_000, retryMs: { first: 50, max: 100 } });
    try {
      expect(await signal.ready(5_000)).toBe(true);
      const arrived = performance.now();
      await signal.sync(arrived);
      const pid = signal.backendPid!;
      // A barrier on the wire when the backend goes: it resolves (check() is false), it does not hang.
      const inFlight = signal.sync();
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await inFlight;
      await until('listening again', () => signal.connected);
      const n = signal.barriers;
      await signal.sync(arrived);
      expect(signal.barriers).toBe(n + 1);
      expect(signal.check()).toBe(true);
    } finally {
      await signal.close();
    }
  });

  it('a schema whose name has a dot keeps its own notifications and no other schema\'s', async () => {
    const schema = `${database.schema}.punto`;
    await admin.query(`create schema "${schema}"`);
    const signal = new PostgresChangeSignal({ connectionString: database.url, searchPath: `"${schema}"` });
    const heard: ChangedTables[] = [];
    signal.subscribe((t) => heard.push(t));
    try {
      expect(await signal.ready(5_000)).toBe(true);
      heard.length = 0;
      await admin.query(`select pg_notify('portal_changes', $1)`, [`${database.schema}.customers`]);
      await admin.query(`select pg_notify('portal_changes', $1)`, [`${schema}.customers`]);
      await signal.sync();
      expect(heard).toEqual([new Set(['customers'])]);
    } finally {
      await signal.close();
      await admin.query(`drop schema "${schema}"`);
    }
  });
});
