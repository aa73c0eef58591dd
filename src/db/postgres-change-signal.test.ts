import { describe, expect, it } from 'vitest';
import { logSink, signalProxy, sleep, until, useMigratedSchema } from '../../tests/change-signal-fixtures.ts';
import { freePort } from '../../tests/free-port.ts';
import { SharedCache } from '../cache/shared-cache.ts';
import type { ChangedTables } from './change-signal.ts';
import { PostgresChangeSignal } from './postgres-change-signal.ts';

// The listening connection itself: its schema, its loss and return, a
// server that is not there. Its barriers: postgres-change-barriers.test.ts.
// Two instances on one schema: shared-invalidation.test.ts.

const isPg = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));

describe.runIf(isPg)('PostgresChangeSignal', () => {
  const held = useMigratedSchema('cs');

  it('hears the tables its schema writes, from any connection, and nothing of another schema', async () => {
    const signal = new PostgresChangeSignal({ connectionString: held.database.url, searchPath: held.database.schema! });
    const heard: ChangedTables[] = [];
    signal.subscribe((t) => heard.push(t));
    try {
      expect(await signal.ready(5_000)).toBe(true);
      expect(signal.check()).toBe(true);
      expect(heard).toEqual(['all']);
      heard.length = 0;
      // Another portal in another schema of the same database shares the channel: not ours.
      await held.admin.query(`select pg_notify('portal_changes', 'otro_portal.customers')`);
      await held.admin.query(`update systems set name = name where false`);
      await until('the systems notification', () => heard.length > 0);
      await sleep(50);
      expect(heard).toEqual([new Set(['systems'])]);
    } finally {
      await signal.close();
    }
    expect(signal.check()).toBe(false);
    expect(signal.connected).toBe(false);
  });

  it('its connection ended by the server: check() false while down, a warning, back by itself with "all"', async () => {
    const { lines, log } = logSink();
    const signal = new PostgresChangeSignal({ connectionString: held.database.url, searchPath: held.database.schema!, log, retryMs: { first: 1_000, max: 2_000 } });
    const heard: ChangedTables[] = [];
    signal.subscribe((t) => heard.push(t));
    const cache = new SharedCache<string>({ name: 'prueba', signal, tables: ['customers'], maxEntries: 10 });
    let loads = 0;
    const load = async () => `v${++loads}`;
    try {
      expect(await signal.ready(5_000)).toBe(true);
      await cache.get('k', load);
      expect(await cache.get('k', load)).toBe('v1');
      const pid = signal.backendPid!;
      heard.length = 0;

      await held.admin.query('select pg_terminate_backend($1)', [pid]);
      await until('the loss noticed', () => !signal.connected);
      // Down: commits now go unheard, so the cache is emptied, serves nothing and keeps nothing.
      expect(heard).toEqual(['all']);
      heard.length = 0;
      expect(signal.check()).toBe(false);
      expect(await cache.get('k', load)).toBe('v2');
      expect(await cache.get('k', load)).toBe('v3');
      expect(cache.stats().entries).toBe(0);

      await until('listening again', () => signal.connected);
      expect(signal.backendPid).not.toBe(pid);
      expect(signal.reconnects).toBe(1);
      // What committed while nobody listened went unheard: emptied again once listening.
      expect(heard).toEqual(['all']);
      expect(await cache.get('k', load)).toBe('v4');
      expect(await cache.get('k', load)).toBe('v4');
      expect(lines.find((l) => l.level === 'warn')).toMatchObject({ msg: 'change notifications lost: shared caches off until reconnected', obj: { code: '57P01' } });
      expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
      expect(lines.some((l) => l.level === 'info' && l.msg.includes('listening again'))).toBe(true);

      // And it hears again.
      heard.length = 0;
      await held.admin.query(`delete from customers where false`);
      await until('the customers notification', () => heard.length > 0);
      expect(heard).toEqual([new Set(['customers'])]);
    } finally {
      cache.close();
      await signal.close();
    }
  });

  it('a server that is not there: ready() gives up in time, check() false, one warning however many retries, close() stops them', async () => {
    const { lines, log } = logSink();
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/portal`;
    const signal = new PostgresChangeSignal({ connectionString: url, log, retryMs: { first: 20, max: 40 } });
    const started = performance.now();
    expect(await signal.ready(300)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(signal.check()).toBe(false);
    await sleep(300);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'change notifications unavailable: shared caches off until connected', obj: { code: 'ECONNREFUSED' } });
    await signal.close();
    expect(await signal.ready(1_000)).toBe(false);
  });

  it('the process\'s own write is told at once, before any commit', () => {
    const signal = new PostgresChangeSignal({ connectionString: held.database.url, searchPath: held.database.schema! });
    const heard: ChangedTables[] = [];
    signal.subscribe((t) => heard.push(t));
    signal.written('help_articles');
    signal.written(undefined);
    expect(heard).toEqual([new Set(['help_articles']), 'all']);
    return signal.close();
  });

  it('a silently dead connection is noticed by the heartbeat', async () => {
    // A proxy between the signal and the server that stops forwarding (a NAT dropping an idle connection).
    const proxy = await signalProxy();
    const { lines, log } = logSink();
    const signal = new PostgresChangeSignal({ connectionString: proxy.url(held.database.url), searchPath: held.database.schema!, log, heartbeatMs: 100, barrierTimeoutMs: 300, connectTimeoutMs: 300, retryMs: { first: 50, max: 100 } });
    try {
      expect(await signal.ready(5_000)).toBe(true);
      proxy.frozen = true;
      // Late after 300 ms (caches bypassed, the connection kept), lost after 5 × 300.
      await until('the late heartbeat', () => !signal.check(), 1_000);
      expect(signal.connected).toBe(true);
      await until('the dead connection noticed', () => !signal.connected, 3_000);
      expect(lines.map((l) => l.msg)).toEqual(['change notifications: a barrier is late: shared caches bypassed until it is answered', 'change notifications lost: shared caches off until reconnected']);
      proxy.frozen = false;
      await until('listening again', () => signal.connected, 5_000);
    } finally {
      await signal.close();
      await proxy.close();
    }
  });
});
