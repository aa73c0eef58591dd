import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin } from '../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { PostgresChangeSignal } from '../db/postgres-change-signal.ts';
import { SqliteChangeSignal } from '../db/change-signal.ts';

// What the shared caches cost a request through the app: however many caches a page asks
// (an article: the readable systems, the prepared article, the reader's votes), one barrier
// on PostgreSQL and one data_version read on SQLite, taken after the request arrived
// (request-context.ts's arrivedAt); requests that arrive together share them.

const isPg = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));

let rt: TestRuntime;
let reader: TestClient;
let articlePath: string;
/** Barriers sent (PostgreSQL) or data_version reads (SQLite) so far. */
let consulted: () => number;

beforeAll(async () => {
  rt = await createTestRuntime({ env: { PAGE_CACHE: 'false' } });
  const customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2026-01-01');
  const a = await rt.deps.db
    .selectFrom('help_articles')
    .innerJoin('systems', 'systems.id', 'help_articles.system_id')
    .select(['systems.slug as system', 'help_articles.slug'])
    .where('systems.slug', '=', 'contabilidad')
    .where('help_articles.published', '=', 1)
    .orderBy('help_articles.slug')
    .executeTakeFirstOrThrow();
  articlePath = `/ayuda/${a.system}/${a.slug}`;
  reader = new TestClient(rt);
  expect((await reader.signIn(customer.rut, customer.admin.email, customer.admin.password)).status).toBe(303);
  const changes = rt.deps.changes;
  if (changes instanceof PostgresChangeSignal) {
    consulted = () => changes.barriers;
  } else {
    expect(changes).toBeInstanceOf(SqliteChangeSignal);
    // The signal's own reader of PRAGMA data_version, counted where it is called.
    const holder = changes as unknown as { dataVersion: () => number };
    const read = holder.dataVersion;
    let reads = 0;
    holder.dataVersion = () => (reads++, read());
    consulted = () => reads;
  }
});
afterAll(() => rt?.close());

describe(`shared caches per request (${isPg ? 'PostgreSQL: barriers' : 'SQLite: data_version reads'})`, () => {
  it('an article page served from its caches (two or three) consults the signal once', async () => {
    // Warm: every cache of the page holds its value.
    expect((await reader.get(articlePath)).status).toBe(200);
    expect((await reader.get(articlePath)).status).toBe(200);
    const hits = () => rt.deps.caches.stats().reduce((n, s) => n + s.hits, 0);
    for (let i = 0; i < 5; i++) {
      const before = consulted();
      const hitsBefore = hits();
      const page = await reader.get(articlePath);
      expect(page.status).toBe(200);
      expect(hits() - hitsBefore, 'the page was served from the caches').toBeGreaterThanOrEqual(2);
      expect(consulted() - before, `request ${i}`).toBe(1);
    }
  });

  // PostgreSQL: a barrier is a round trip, and the requests waiting on one share it. SQLite: a
  // data_version read is a few µs and synchronous; each request's first lookup (its session,
  // auth/session.ts) comes before the next request has even arrived, so each reads its own: at
  // most one per request still.
  it(isPg ? '50 requests at once share a handful' : '50 requests at once read data_version at most once each', async () => {
    const before = consulted();
    const pages = await Promise.all(Array.from({ length: 50 }, () => reader.get(articlePath)));
    expect(pages.every((p) => p.status === 200)).toBe(true);
    const n = consulted() - before;
    console.info(`shared caches (${isPg ? 'postgres' : 'sqlite'}): 50 concurrent article pages, ${n} ${isPg ? 'barriers' : 'data_version reads'}`);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(isPg ? 5 : 50);
  });
});
