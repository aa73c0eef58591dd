import type { Kysely } from 'kysely';
import type { SharedCache, SharedCaches } from '../cache/shared-cache.ts';
import type { Database } from '../db/schema.ts';
import { notFound } from '../errors.ts';
import { readableSystems, type HelpReader, type SystemSummary } from './help-access.ts';

/**
 * What readableSystems() answers (help-access.ts), kept across requests: it
 * is the root of every help page and the same for every request of a person
 * on a day. Kept while none of the tables it reads is written (here, on
 * another instance or from the CLI: db/change-signal.ts); the vendor's day is
 * part of the key, so a contract that ends (or starts) closes (or opens) its
 * help at midnight in Santiago without any write.
 */
// contracts and systems: what is in force and what a system is called; user_help_scope:
// a technical user's limit; users and customers: a role changed, a user or customer
// disabled or deleted (their sessions end too, but the key must not outlive them).
export const READABLE_SYSTEMS_TABLES = ['contracts', 'systems', 'user_help_scope', 'users', 'customers'] as const;

// One cache per process (per SharedCaches), made on first use: the help owns it, no shared file has to know it.
const perCaches = new WeakMap<SharedCaches, SharedCache<SystemSummary[]>>();

const systemsBytes = (systems: SystemSummary[]): number => systems.reduce((n, s) => n + 100 + 2 * (s.id.length + s.slug.length + s.name.length + s.description.length), 100);

function cacheOf(caches: SharedCaches): SharedCache<SystemSummary[]> {
  let cache = perCaches.get(caches);
  if (!cache) {
    // A few entries per customer and day (one for its administrators, one per technical user), each
    // its own copy of the systems' descriptions: bounded by bytes too (a string's length × 2).
    cache = caches.create<SystemSummary[]>({ name: 'readable-systems', tables: READABLE_SYSTEMS_TABLES, maxEntries: 20_000, maxBytes: 16 * 1024 * 1024, sizeOf: systemsBytes });
    perCaches.set(caches, cache);
  }
  return cache;
}

/** The key: every administrator of a customer reads the same systems; a technical user may be limited. */
export function readableSystemsKey(reader: HelpReader, today: string): string {
  return reader.role === 'admin' ? `${today}|${reader.customerId}|admin` : `${today}|${reader.customerId}|${reader.role}|${reader.userId}`;
}

export function cachedReadableSystems(db: Kysely<Database>, caches: SharedCaches, reader: HelpReader, today: string, since?: number): Promise<SystemSummary[]> {
  // Frozen: one array is handed to every request of the key, none may change it for the others.
  return cacheOf(caches).get(readableSystemsKey(reader, today), async () => Object.freeze((await readableSystems(db, reader, today)).map((s) => Object.freeze(s))) as SystemSummary[], { since });
}

/** The system if this person may read its help today; otherwise 404, as if it did not exist. */
export async function cachedReadableSystem(db: Kysely<Database>, caches: SharedCaches, reader: HelpReader, today: string, slug: string, since?: number): Promise<SystemSummary> {
  const system = (await cachedReadableSystems(db, caches, reader, today, since)).find((s) => s.slug === slug);
  if (!system) throw notFound();
  return system;
}
