import { describe, expect, it } from 'vitest';
import { ChangeListeners, SqliteChangeSignal, type ChangeSignal, type ChangedTables } from '../db/change-signal.ts';
import { SharedCache } from './shared-cache.ts';

// `since` (when the request arrived): what a lookup needs the signal to vouch for.

/** A signal with a barrier the test releases, recording the `since` of every sync(). */
class BarrierSignal implements ChangeSignal {
  private readonly listeners = new ChangeListeners();
  readonly syncs: Array<number | undefined> = [];
  private release: Array<() => void> = [];
  subscribe(listener: (tables: ChangedTables) => void) {
    return this.listeners.subscribe(listener);
  }
  changed(tables: ChangedTables) {
    this.listeners.emit(tables);
  }
  check() {
    return true;
  }
  sync(since?: number) {
    this.syncs.push(since);
    return new Promise<void>((r) => this.release.push(r));
  }
  answer() {
    for (const r of this.release.splice(0)) r();
  }
  async close() {}
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));
const make = (signal: ChangeSignal) => new SharedCache<string>({ name: 'prueba', signal, tables: ['help_articles'], maxEntries: 10 });

describe('SharedCache and `since`', () => {
  it('a hit passes its `since` to the barrier; no `since` (a job) is "now"', async () => {
    const signal = new BarrierSignal();
    const cache = make(signal);
    await cache.get('a', async () => 'v1');
    const since = performance.now() - 5;
    const hit = cache.get('a', async () => 'otro', { since });
    await tick();
    signal.answer();
    expect(await hit).toBe('v1');
    const before = performance.now();
    const job = cache.get('a', async () => 'otro');
    await tick();
    signal.answer();
    expect(await job).toBe('v1');
    expect(signal.syncs[0]).toBe(since);
    expect(signal.syncs[1]).toBeGreaterThanOrEqual(before);
  });

  it('a load begun before the request arrived is joined only after the barrier: a commit it brings in starts a fresh load', async () => {
    const signal = new BarrierSignal();
    const cache = make(signal);
    const old = deferred<string>();
    // A load under way (it read before a commit on another instance)...
    const first = cache.get('a', () => old.promise);
    await tick();
    // ...then the commit returns, then a request arrives: it must not be handed what that load read.
    const since = performance.now();
    let fresh = 0;
    const second = cache.get('a', async () => (fresh++, 'nuevo'), { since });
    await tick();
    expect(signal.syncs).toEqual([since]);
    // The barrier brings the commit's notification in before it answers.
    signal.changed(new Set(['help_articles']));
    signal.answer();
    expect(await second).toBe('nuevo');
    expect(fresh).toBe(1);
    old.resolve('viejo');
    expect(await first).toBe('viejo');
  });

  it('a load begun after the request arrived is joined without a barrier', async () => {
    const signal = new BarrierSignal();
    const cache = make(signal);
    const since = performance.now();
    const gate = deferred<string>();
    const first = cache.get('a', () => gate.promise);
    let calls = 0;
    const second = cache.get('a', async () => (calls++, 'otro'), { since });
    gate.resolve('v1');
    expect(await Promise.all([first, second])).toEqual(['v1', 'v1']);
    expect(calls).toBe(0);
    expect(signal.syncs).toEqual([]);
  });
});

describe('SqliteChangeSignal.check(since)', () => {
  it('reads data_version once for every lookup of a request, again for a later request or without `since`', () => {
    let version = 1;
    let reads = 0;
    const signal = new SqliteChangeSignal(() => (reads++, version));
    const heard: ChangedTables[] = [];
    signal.subscribe((t) => heard.push(t));
    reads = 0;
    const arrived = performance.now();
    expect(signal.check(arrived)).toBe(true);
    expect(signal.check(arrived)).toBe(true);
    expect(signal.check(arrived - 1)).toBe(true);
    expect(reads).toBe(1);
    // Another process commits; the next request (arrived after the last read) sees it.
    version = 2;
    expect(signal.check(performance.now())).toBe(true);
    expect(reads).toBe(2);
    expect(heard).toEqual(['all']);
    signal.check();
    signal.check();
    expect(reads).toBe(4);
  });
});
