import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { logSink, signalProxy, until, useMigratedSchema } from '../../tests/change-signal-fixtures.ts';
import { SharedCache } from '../cache/shared-cache.ts';
import type { ChangedTables } from './change-signal.ts';
import { PostgresChangeSignal } from './postgres-change-signal.ts';

// sync(since): one barrier sent after `since` serves every caller that arrived before it was
// sent; a late answer is an answer (the connection and the caches are kept); a loss forgets
// what the old connection answered; a schema whose name has a dot is still its own.

const isPg = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));

describe.runIf(isPg)('PostgresChangeSignal barriers', () => {
  const held = useMigratedSchema('csb');

  it('sync(since): at once once a barrier sent after `since` is answered, the one on the wire if sent after it, else the next, shared', async () => {
    const signal = new PostgresChangeSignal({ connectionString: held.database.url, searchPath: held.database.schema!, heartbeatMs: 600_000 });
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

      // Asked in the same turn of the event loop, after the first ask: the barrier is sent once the turn is over, so it covers them too.
      const first = signal.sync();
      const sameTurn = performance.now();
      await Promise.all(Array.from({ length: 20 }, () => signal.sync(sameTurn)));
      await first;
      expect(signal.barriers).toBe(n + 3);

      // Arrived after the one on the wire was sent: the next one, one for all of them.
      const onWire = signal.sync();
      while (signal.barriers === n + 3) await nextTurn();
      const later = performance.now();
      await Promise.all(Array.from({ length: 20 }, () => signal.sync(later)));
      await onWire;
      expect(signal.barriers).toBe(n + 5);

      // No `since` (a job, the CLI): a fresh one each time.
      await signal.sync();
      await signal.sync();
      expect(signal.barriers).toBe(n + 7);
    } finally {
      await signal.close();
    }
  });

  it('a commit that returned before `since` has been heard once sync(since) resolves, on a burst of 50 callers', async () => {
    const signal = new PostgresChangeSignal({ connectionString: held.database.url, searchPath: held.database.schema!, heartbeatMs: 600_000 });
    const heard: ChangedTables[] = [];
    signal.subscribe((t) => heard.push(t));
    try {
      expect(await signal.ready(5_000)).toBe(true);
      for (let i = 0; i < 20; i++) {
        heard.length = 0;
        await held.admin.query('update systems set name = name where false');
        const arrived = performance.now();
        await Promise.all(Array.from({ length: 50 }, () => signal.sync(arrived)));
        expect(heard, `commit ${i}`).toContainEqual(new Set(['systems']));
      }
    } finally {
      await signal.close();
    }
  });

  it('a late barrier: its callers go on uncached, the connection and the caches are kept, and the late answer turns them on again', async () => {
    const proxy = await signalProxy();
    const { lines, log } = logSink();
    const signal = new PostgresChangeSignal({ connectionString: proxy.url(held.database.url), searchPath: held.database.schema!, log, heartbeatMs: 600_000, barrierTimeoutMs: 150, lostAfterMs: 10_000 });
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
      await held.admin.query('delete from customers where false');
      await until('the customers notification', () => heard.length > 0);
      expect(heard).toEqual([new Set(['customers'])]);
    } finally {
      cache.close();
      await signal.close();
      await proxy.close();
    }
  });

  it('close() on a connection that no longer answers: the waiting callers go on and close() returns', async () => {
    const proxy = await signalProxy();
    const signal = new PostgresChangeSignal({ connectionString: proxy.url(held.database.url), searchPath: held.database.schema!, heartbeatMs: 600_000, barrierTimeoutMs: 60_000 });
    try {
      expect(await signal.ready(5_000)).toBe(true);
      proxy.delayMs = 120_000;
      const waiting = signal.sync();
      const started = performance.now();
      await signal.close();
      await waiting;
      expect(performance.now() - started).toBeLessThan(3_000);
    } finally {
      await proxy.close();
    }
  });

  it('a loss settles the barrier on the wire, and what the old connection answered serves nobody on the new one', async () => {
    const proxy = await signalProxy();
    const signal = new PostgresChangeSignal({ connectionString: proxy.url(held.database.url), searchPath: held.database.schema!, heartbeatMs: 600_000, retryMs: { first: 50, max: 100 } });
    try {
      expect(await signal.ready(5_000)).toBe(true);
      const arrived = performance.now();
      await signal.sync(arrived);
      const pid = signal.backendPid!;
      // A barrier on the wire (its answer held back) when the backend goes: it resolves, it does not hang.
      proxy.delayMs = 300;
      const inFlight = signal.sync();
      await held.admin.query('select pg_terminate_backend($1)', [pid]);
      await inFlight;
      expect(signal.check()).toBe(false);
      await until('the loss noticed', () => !signal.connected);
      proxy.delayMs = 0;
      await until('listening again', () => signal.connected);
      expect(signal.backendPid).not.toBe(pid);
      const n = signal.barriers;
      await signal.sync(arrived);
      expect(signal.barriers).toBe(n + 1);
      expect(signal.check()).toBe(true);
    } finally {
      await signal.close();
      await proxy.close();
    }
  });

  it('a schema whose name has a dot keeps its own notifications and no other schema\'s', async () => {
    const schema = `${held.database.schema}.punto`;
    await held.admin.query(`create schema "${schema}"`);
    const signal = new PostgresChangeSignal({ connectionString: held.database.url, searchPath: `"${schema}"` });
    const heard: ChangedTables[] = [];
    signal.subscribe((t) => heard.push(t));
    try {
      expect(await signal.ready(5_000)).toBe(true);
      heard.length = 0;
      await held.admin.query(`select pg_notify('portal_changes', $1)`, [`${held.database.schema}.customers`]);
      await held.admin.query(`select pg_notify('portal_changes', $1)`, [`${schema}.customers`]);
      await signal.sync();
      expect(heard).toEqual([new Set(['customers'])]);
    } finally {
      await signal.close();
      await held.admin.query(`drop schema "${schema}"`);
    }
  });
});
