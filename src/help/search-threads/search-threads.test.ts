import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerWithAdmin, addContractFor } from '../../../tests/factories.ts';
import { signedIn, systemId } from '../../../tests/help-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { UnavailableError } from '../../errors.ts';
import type { SearchRequest } from '../search/help-search.ts';
import type { SearchThreadData } from './search-thread-protocol.ts';
import { SearchThreads } from './search-threads.ts';

// The threads answer exactly what HelpSearch answers in this thread, on the
// shipped help, on both databases (SQLite: a file, which a thread can open;
// an in-memory database has no threads).

const onPostgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');
let dir: string | undefined;
let rt: TestRuntime;
let data: SearchThreadData;
let threads: SearchThreads;

beforeAll(async () => {
  if (!onPostgres) dir = mkdtempSync(join(tmpdir(), 'search-threads-'));
  rt = await createTestRuntime(dir ? { sqliteFile: join(dir, 'portal.db') } : {});
  const searchPath = onPostgres ? (await sql<{ s: string }>`select current_schema() as s`.execute(rt.deps.db)).rows[0]!.s : undefined;
  data = { databaseUrl: rt.config.databaseUrl, ...(searchPath ? { db: { searchPath } } : {}) };
  threads = new SearchThreads(data);
}, 60_000);
afterAll(async () => {
  await threads.close();
  await rt.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('help search threads', () => {
  it('answer every kind of search exactly as the main thread does', async () => {
    const all = (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);
    const one = [await systemId(rt, 'contabilidad')];
    const requests: SearchRequest[] = [
      { text: 'factura', systemIds: all },
      { text: 'factura', systemIds: all, page: 2 },
      { text: 'finikito', systemIds: all },
      { text: 'boleta de garantía vencida', systemIds: all },
      { text: 'cómo anular una factura electrónica', systemIds: one },
      { text: 'zzqxv inexistente', systemIds: all },
      { text: 'el de la', systemIds: all },
      { text: 'factura', systemIds: [] },
      { text: 'fac', systemIds: all, perPage: 6, typing: true },
      { text: 'sueldo', systemIds: all, synonymGroups: [['sueldo', 'remuneración']] },
    ];
    let found = 0;
    for (const r of requests) {
      const expected = await rt.deps.helpSearch.search(r);
      found += expected.hits.length;
      expect(await threads.search(r), JSON.stringify(r)).toEqual(expected);
    }
    // The comparison means something only if the searches found articles.
    expect(found).toBeGreaterThan(10);
    expect(threads.liveThreads).toBe(1);
  });

  it('serve the search page when the runtime has them', async () => {
    const customer = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
    const client = await signedIn(rt, customer);
    const inProcess = await (await client.get('/ayuda/buscar?q=factura')).text();
    rt.deps.searchThreads = threads;
    try {
      const res = await client.get('/ayuda/buscar?q=factura');
      expect(res.status).toBe(200);
      // The same page but for the search's log id in the result links.
      const withoutLogIds = (html: string) => html.replace(/b=[^&"]+/g, 'b=').replace(/name="csrf"[^>]*/g, '');
      expect(withoutLogIds(await res.text())).toBe(withoutLogIds(inProcess));
      const suggestions = (await (await client.get('/ayuda/sugerencias?q=factu')).json()) as { suggestions: unknown[] };
      expect(suggestions.suggestions.length).toBeGreaterThan(0);
    } finally {
      delete rt.deps.searchThreads;
    }
  });

  it('answer 503 as today when the database does not answer', async () => {
    const away = new SearchThreads({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', db: { connectTimeoutMs: 300 } });
    try {
      const err = await away.search({ text: 'factura', systemIds: ['x'] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as UnavailableError).id).toBe('database-unavailable');
    } finally {
      await away.close();
    }
  });

  it('end with the runtime: once closed, no search starts a thread again', async () => {
    const ending = new SearchThreads(data);
    const r = { text: 'factura', systemIds: (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id) };
    const inFlight = ending.search(r).then(
      (v) => v.total,
      (e: Error) => e.message,
    );
    await ending.close();
    // Answered before the close reached the thread, or cut short by it: either way it settles, and nothing is left running.
    expect(await inFlight).toBeDefined();
    expect(ending.liveThreads).toBe(0);
    await expect(ending.search(r)).rejects.toThrow(/closed/);
    expect(ending.liveThreads).toBe(0);
  });

  it('end after the idle time and start again on the next search', async () => {
    const quick = new SearchThreads(data, 1, { idleEndMs: 50 });
    try {
      const r = { text: 'factura', systemIds: (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id) };
      const first = await quick.search(r);
      expect(quick.liveThreads).toBe(1);
      await expect.poll(() => quick.liveThreads, { timeout: 5_000 }).toBe(0);
      expect(await quick.search(r)).toEqual(first);
      expect(quick.liveThreads).toBe(1);
    } finally {
      await quick.close();
    }
    expect(quick.liveThreads).toBe(0);
  });
});
