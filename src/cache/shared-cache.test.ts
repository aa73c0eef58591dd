import { describe, expect, it } from 'vitest';
import { ChangeListeners, type ChangeSignal, type ChangedTables } from '../db/change-signal.ts';
import { SharedCache, SharedCaches } from './shared-cache.ts';

/** A signal the test drives: what it says changed, and whether it vouches right now. */
class TestSignal implements ChangeSignal {
  private readonly listeners = new ChangeListeners();
  vouches = true;
  checks = 0;
  subscribe(listener: (tables: ChangedTables) => void) {
    return this.listeners.subscribe(listener);
  }
  changed(tables: ChangedTables) {
    this.listeners.emit(tables);
  }
  check() {
    this.checks++;
    return this.vouches;
  }
  async close() {}
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function counting<V>(value: () => V) {
  const loader = { calls: 0, load: async () => (loader.calls++, value()) };
  return loader;
}

const make = (signal: ChangeSignal, over: Partial<{ tables: string[]; maxEntries: number }> = {}) =>
  new SharedCache<string>({ name: 'prueba', signal, tables: over.tables ?? ['help_articles'], maxEntries: over.maxEntries ?? 100 });

describe('SharedCache', () => {
  it('keeps a value across calls until one of its tables changes', async () => {
    const signal = new TestSignal();
    const cache = make(signal);
    let version = 1;
    const loader = counting(() => `v${version}`);
    expect(await cache.get('a', loader.load)).toBe('v1');
    expect(await cache.get('a', loader.load)).toBe('v1');
    expect(loader.calls).toBe(1);
    version = 2;
    signal.changed(new Set(['help_articles']));
    expect(await cache.get('a', loader.load)).toBe('v2');
    expect(loader.calls).toBe(2);
    expect(cache.stats()).toEqual({ name: 'prueba', hits: 1, misses: 2, entries: 1 });
  });

  it('is emptied only by its own tables, or by "all"', async () => {
    const signal = new TestSignal();
    const cache = make(signal, { tables: ['help_articles', 'systems'] });
    const loader = counting(() => 'x');
    await cache.get('a', loader.load);
    signal.changed(new Set(['sessions', 'throttles']));
    await cache.get('a', loader.load);
    expect(loader.calls).toBe(1);
    signal.changed(new Set(['customers', 'systems']));
    await cache.get('a', loader.load);
    expect(loader.calls).toBe(2);
    signal.changed('all');
    await cache.get('a', loader.load);
    expect(loader.calls).toBe(3);
  });

  it('serves a load that straddles a change but does not keep it', async () => {
    const signal = new TestSignal();
    const cache = make(signal);
    const gate = deferred<string>();
    const first = cache.get('a', () => gate.promise);
    // The commit lands while the value is being read: what was read may be the old data.
    signal.changed(new Set(['help_articles']));
    gate.resolve('leído antes del cambio');
    expect(await first).toBe('leído antes del cambio');
    const loader = counting(() => 'leído después');
    expect(await cache.get('a', loader.load)).toBe('leído después');
    expect(loader.calls).toBe(1);
    expect(await cache.get('a', loader.load)).toBe('leído después');
    expect(loader.calls).toBe(1);
  });

  it('does not keep a load during which the signal stopped vouching', async () => {
    const signal = new TestSignal();
    const cache = make(signal);
    const gate = deferred<string>();
    const first = cache.get('a', () => gate.promise);
    signal.vouches = false;
    gate.resolve('v1');
    expect(await first).toBe('v1');
    signal.vouches = true;
    const loader = counting(() => 'v2');
    expect(await cache.get('a', loader.load)).toBe('v2');
    expect(loader.calls).toBe(1);
  });

  it('lets concurrent loads of one key share one promise, and a load after a change start afresh', async () => {
    const signal = new TestSignal();
    const cache = make(signal);
    const gate = deferred<string>();
    let calls = 0;
    const load = () => (calls++, gate.promise);
    const all = Promise.all([cache.get('a', load), cache.get('a', load), cache.get('a', load)]);
    expect(calls).toBe(1);
    // After a change the pending load may hold old data: a new reader does not join it.
    signal.changed(new Set(['help_articles']));
    const fresh = deferred<string>();
    const after = cache.get('a', () => (calls++, fresh.promise));
    expect(calls).toBe(2);
    gate.resolve('viejo');
    fresh.resolve('nuevo');
    expect(await all).toEqual(['viejo', 'viejo', 'viejo']);
    expect(await after).toBe('nuevo');
    // The load that straddled the change is not kept; the one begun after it is.
    const loader = counting(() => 'otro');
    expect(await cache.get('a', loader.load)).toBe('nuevo');
    expect(loader.calls).toBe(0);
  });

  it('a failed load is not kept and does not block the next', async () => {
    const signal = new TestSignal();
    const cache = make(signal);
    await expect(cache.get('a', async () => Promise.reject(new Error('caída')))).rejects.toThrow('caída');
    expect(await cache.get('a', async () => 'bien')).toBe('bien');
    expect(cache.stats().entries).toBe(1);
  });

  it('holds at most maxEntries, the least recently used out first', async () => {
    const signal = new TestSignal();
    const cache = make(signal, { maxEntries: 3 });
    const loads: string[] = [];
    const get = (k: string) => cache.get(k, async () => (loads.push(k), k.toUpperCase()));
    await get('a');
    await get('b');
    await get('c');
    await get('a'); // a is now the most recent: b is the oldest
    await get('d'); // b out
    expect(cache.stats().entries).toBe(3);
    loads.length = 0;
    await get('a');
    await get('c');
    await get('d');
    expect(loads).toEqual([]);
    await get('b');
    expect(loads).toEqual(['b']);
  });

  it('with maxBytes, holds at most that many bytes of values (sizeOf), the least recently used out first; one too big is served, not kept', async () => {
    const signal = new TestSignal();
    const cache = new SharedCache<string>({ name: 'prueba', signal, tables: ['help_articles'], maxEntries: 100, maxBytes: 30, sizeOf: (v) => v.length });
    const loads: string[] = [];
    const get = (k: string, n: number) => cache.get(k, async () => (loads.push(k), k.repeat(n)));
    await get('a', 10);
    await get('b', 10);
    await get('c', 10);
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 30 });
    await get('a', 10); // a is now the most recent: b is the oldest
    await get('d', 15); // 45 bytes: b, then c out
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 25 });
    loads.length = 0;
    await get('a', 10);
    await get('d', 15);
    expect(loads).toEqual([]);
    expect(await get('e', 31)).toBe('e'.repeat(31));
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 25 });
    signal.changed(new Set(['help_articles']));
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('passes straight through while the signal cannot vouch (check() false): serves nothing cached, keeps nothing', async () => {
    const signal = new TestSignal();
    const cache = make(signal);
    let version = 1;
    const loader = counting(() => `v${version}`);
    await cache.get('a', loader.load);
    signal.vouches = false;
    version = 2;
    // Nothing told the cache (the listener is down), yet it does not serve v1.
    expect(await cache.get('a', loader.load)).toBe('v2');
    expect(await cache.get('a', loader.load)).toBe('v2');
    expect(loader.calls).toBe(3);
    expect(cache.stats().hits).toBe(0);
  });

  it('with a signal that has sync(): a kept value waits for it, and a change it brings in is loaded instead', async () => {
    const signal = new TestSignal() as TestSignal & { sync(): Promise<void> };
    let barrier = deferred<void>();
    let syncs = 0;
    signal.sync = () => (syncs++, barrier.promise);
    const cache = make(signal);
    let version = 1;
    const loader = counting(() => `v${version}`);
    // A miss loads without waiting: the database answers with what is committed.
    expect(await cache.get('a', loader.load)).toBe('v1');
    expect(syncs).toBe(0);
    // A hit waits for the barrier; the commit heard during it empties the cache.
    const hit = cache.get('a', loader.load);
    expect(syncs).toBe(1);
    version = 2;
    signal.changed(new Set(['help_articles']));
    barrier.resolve();
    expect(await hit).toBe('v2');
    barrier = deferred<void>();
    const again = cache.get('a', loader.load);
    barrier.resolve();
    expect(await again).toBe('v2');
    expect(loader.calls).toBe(2);
    // The barrier found the connection lost: straight to the database.
    barrier = deferred<void>();
    const down = cache.get('a', loader.load);
    signal.vouches = false;
    barrier.resolve();
    expect(await down).toBe('v2');
    expect(loader.calls).toBe(3);
  });

  it('SharedCaches: one signal for all, stats of each, close unsubscribes and empties', async () => {
    const signal = new TestSignal();
    const caches = new SharedCaches(signal);
    const a = caches.create<string>({ name: 'a', tables: ['systems'], maxEntries: 10 });
    const b = caches.create<number>({ name: 'b', tables: ['help_articles'], maxEntries: 10 });
    await a.get('k', async () => 'x');
    await b.get('k', async () => 1);
    await b.get('k', async () => 2);
    expect(caches.stats()).toEqual([
      { name: 'a', hits: 0, misses: 1, entries: 1 },
      { name: 'b', hits: 1, misses: 1, entries: 1 },
    ]);
    caches.close();
    expect(caches.stats().map((s) => s.entries)).toEqual([0, 0]);
  });
});
