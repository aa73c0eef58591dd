import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { expect } from 'vitest';
import type { PageCache } from '../src/web/page-cache.ts';
import { portalListener } from '../src/web/portal-listener.ts';
import { createTestRuntime, type TestRuntime } from './test-runtime.ts';

/**
 * The portal as the server runs it — the page cache ahead of the framework,
 * over real HTTP — on a SQLite file of its own, or on the test's PostgreSQL
 * schema when DATABASE_URL names one: either way another process can write
 * to the same data (`outside`), as the operator CLI does.
 */
export interface CachedPortal {
  rt: TestRuntime;
  cache: PageCache;
  base: string;
  /**
   * One statement on a connection of its own, not the portal's (SQLite: a
   * second handle on the file; PostgreSQL: a client on the schema), with `?`
   * for each parameter: a write the portal's process never sees being made.
   */
  outside(statement: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function startCachedPortal(opts: { withHelp?: boolean } = {}): Promise<CachedPortal> {
  const onPostgres = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));
  const dir = onPostgres ? undefined : mkdtempSync(join(tmpdir(), 'portal-cache-'));
  const file = dir ? join(dir, 'portal.sqlite') : undefined;
  const rt = await createTestRuntime(file ? { sqliteFile: file, ...opts } : opts);
  const cache = rt.deps.pageCache!;
  const outside = outsideWriter(file ? { file } : { url: process.env.DATABASE_URL!, schema: rt.schema! });
  const server = createServer(portalListener(rt.deps, rt.app));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    rt,
    cache,
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    outside,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rt.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One statement at a time on a connection of its own, as the operator CLI
 * makes (SQLite: a second handle on the file; PostgreSQL: a client on the
 * schema), with `?` for each parameter: a write the portal never sees made.
 */
export function outsideWriter(target: { file: string } | { url: string; schema: string }): (statement: string, params?: unknown[]) => Promise<void> {
  return async (statement, params = []) => {
    if ('file' in target) {
      const other = new SQLite(target.file);
      try {
        other.prepare(statement).run(...params);
      } finally {
        other.close();
      }
      return;
    }
    let n = 0;
    const client = new pg.Client({ connectionString: target.url, options: `-c search_path=${target.schema}` });
    await client.connect();
    try {
      await client.query(statement.replace(/\?/g, () => `$${++n}`), params);
    } finally {
      await client.end();
    }
  };
}

/** A browser's cookie jar over fetch: what the cache sees is what a person's browser sends. */
export class CookieBrowser {
  cookies = new Map<string, string>();
  constructor(private readonly portal: CachedPortal) {}

  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: this.cookies.get('csrf') ?? '', ...init.form }).toString();
    }
    const res = await fetch(this.portal.base + path, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [k, v] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (!v || /max-age=0/i.test(line)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), headers: res.headers };
  }

  async signIn(rut: string, email: string, password: string) {
    await this.request('/ingresar');
    return this.request('/ingresar', { form: { rut, email, password } });
  }

  /** GET twice: the first fills the cache, the second must come from it. */
  async warm(path: string) {
    await this.request(path);
    const hits = this.portal.cache.hits;
    const second = await this.request(path);
    expect(this.portal.cache.hits, `second ${path} was not a cache hit`).toBe(hits + 1);
    return second;
  }
}
