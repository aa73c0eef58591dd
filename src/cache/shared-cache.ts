import type { ChangeSignal, ChangedTables } from '../db/change-signal.ts';
import { OldestKeys } from './oldest-keys.ts';

/** Hits and misses, for /metrics (the cache hit rate). */
export interface CacheStats {
  name: string;
  hits: number;
  misses: number;
  entries: number;
  /** What the kept values weigh (sizeOf), for a cache bounded by bytes. */
  bytes?: number;
}

export interface SharedCacheOptions<V = unknown> {
  /** For metrics and logs: "help-article", "readable-systems"… */
  name: string;
  signal: ChangeSignal;
  /** The tables whose writes empty this cache. */
  tables: readonly string[];
  /** Oldest entry out beyond this. */
  maxEntries: number;
  /**
   * Oldest entries out while the kept values weigh more than this (with
   * sizeOf): where a value can be large (a rendered page), a count alone does
   * not bound the memory. A value heavier than this alone is served, not kept.
   */
  maxBytes?: number;
  /** What a value weighs in bytes (roughly: a string's length × 2). */
  sizeOf?: (value: V) => number;
  /**
   * Whether a loaded value may be kept (default: all). A cache whose rows can
   * appear without a change being signalled (a new session's insert is quiet)
   * must not keep "not found".
   */
  keep?: (value: V) => boolean;
}

/** How a lookup is made. */
export interface CacheLookup {
  /**
   * When the request arrived (performance.now(): c.get('arrivedAt')): what
   * committed before it must be seen. One barrier (PostgreSQL) or one
   * data_version read (SQLite) made after it covers every lookup of the
   * request. Absent (jobs, the CLI): now, so a fresh one.
   */
  since?: number;
}

/**
 * What is the same for everyone who asks for a key (an article's prepared
 * page, the systems a customer may read today), kept across requests and
 * shared by every reader, emptied whenever one of its tables is written
 * anywhere (db/change-signal.ts).
 *
 * A value is stored only if no change arrived while it was being loaded
 * (the generation is taken before the load and compared after), so a load
 * that straddles a commit is served once and not kept. Concurrent loads of
 * one key share one promise.
 *
 * A route passes the request's arrival (`{ since: c.get('arrivedAt') }`):
 * then every lookup of the request, in every cache, is vouched for by one
 * barrier (PostgreSQL) or one data_version read (SQLite). Without it each
 * lookup asks for a fresh one: right, only slower.
 */
export class SharedCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly oldest = new OldestKeys(this.entries);
  /** Each kept value's weight, when bounded by bytes (options.sizeOf). */
  private readonly weights = new Map<string, number>();
  private bytes = 0;
  /** Loads under way, with the generation they began in and when they began (performance.now()). */
  private readonly loading = new Map<string, { generation: number; startedAt: number; promise: Promise<V> }>();
  private readonly tables: ReadonlySet<string>;
  private generation = 0;
  private hits = 0;
  private misses = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: SharedCacheOptions<V>) {
    this.tables = new Set(options.tables);
    this.unsubscribe = options.signal.subscribe((tables) => this.changed(tables));
  }

  get name(): string {
    return this.options.name;
  }

  async get(key: string, load: () => Promise<V>, lookup: CacheLookup = {}): Promise<V> {
    const signal = this.options.signal;
    const since = lookup.since ?? performance.now();
    if (!signal.check(since)) {
      this.misses++;
      return load();
    }
    // A kept value, or a load begun before the request arrived (it may have read before a commit
    // not heard yet), is served only once every commit made before the request has been heard
    // (and has emptied the cache if it must). A load begun after it read after those commits.
    const pending = this.joinableLoad(key);
    if (signal.sync && (this.entries.has(key) || (pending !== undefined && pending.startedAt <= since))) {
      await signal.sync(since);
      if (!signal.check(since)) {
        this.misses++;
        return load();
      }
    }
    if (this.entries.has(key)) {
      const value = this.entries.get(key) as V;
      // Most recently used last: the oldest is the first out.
      this.entries.delete(key);
      this.entries.set(key, value);
      this.hits++;
      return value;
    }
    this.misses++;
    const generation = this.generation;
    const joined = this.joinableLoad(key);
    if (joined) return joined.promise;
    const startedAt = performance.now();
    const promise = load();
    this.loading.set(key, { generation, startedAt, promise });
    try {
      const value = await promise;
      if (this.generation === generation && this.options.signal.check(since) && this.generation === generation) this.store(key, value);
      return value;
    } finally {
      if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
    }
  }

  /** Forget everything (tests; a reconnect does it through the signal). */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.oldest.reset();
    this.weights.clear();
    this.bytes = 0;
    this.loading.clear();
  }

  stats(): CacheStats {
    const stats: CacheStats = { name: this.options.name, hits: this.hits, misses: this.misses, entries: this.entries.size };
    if (this.options.sizeOf) stats.bytes = this.bytes;
    return stats;
  }

  close(): void {
    this.unsubscribe();
    this.clear();
  }

  /** A load of `key` under way that no change has overtaken. */
  private joinableLoad(key: string): { startedAt: number; promise: Promise<V> } | undefined {
    const pending = this.loading.get(key);
    return pending && pending.generation === this.generation ? pending : undefined;
  }

  private changed(tables: ChangedTables): void {
    if (tables === 'all' || [...tables].some((t) => this.tables.has(t))) this.clear();
  }

  private store(key: string, value: V): void {
    const { sizeOf, maxBytes = Infinity } = this.options;
    if (this.options.keep && !this.options.keep(value)) return;
    const weight = sizeOf ? sizeOf(value) : 0;
    if (weight > maxBytes) return;
    this.drop(key);
    this.entries.set(key, value);
    if (sizeOf) {
      this.weights.set(key, weight);
      this.bytes += weight;
    }
    while (this.entries.size > this.options.maxEntries || this.bytes > maxBytes) this.drop(this.oldest.next()!);
  }

  private drop(key: string): void {
    if (!this.entries.delete(key)) return;
    this.bytes -= this.weights.get(key) ?? 0;
    this.weights.delete(key);
  }
}

/** Every shared cache of a process, for /metrics and for closing. */
export class SharedCaches {
  private readonly all: SharedCache<unknown>[] = [];

  constructor(readonly signal: ChangeSignal) {}

  create<V>(options: Omit<SharedCacheOptions<V>, 'signal'>): SharedCache<V> {
    const cache = new SharedCache<V>({ ...options, signal: this.signal });
    this.all.push(cache as SharedCache<unknown>);
    return cache;
  }

  stats(): CacheStats[] {
    return this.all.map((c) => c.stats());
  }

  close(): void {
    for (const c of this.all) c.close();
  }
}
