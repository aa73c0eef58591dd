import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location, TestClient } from '../../tests/client.ts';
import { createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { createApp } from '../app.ts';
import { runCli } from '../cli/main.ts';
import { UnavailableError } from '../errors.ts';
import { createDb, isPostgresUrl } from './create-db.ts';
import { freePort } from '../../tests/free-port.ts';

// What a person and the operator see while the database is away (PostgreSQL
// down or restarting) or locked by another process (SQLite): a 503 that says
// to try again, with Retry-After; never "error inesperado", never a crash.

const UNAVAILABLE = 'No pudimos conectar con la base de datos. Inténtelo de nuevo en unos segundos.';
const BUSY = 'El portal está ocupado; inténtelo de nuevo en unos segundos.';
const pgUrl = process.env.DATABASE_URL && isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;

// A port nobody listens on: the database "down".
const closedPort = freePort;

let rt: TestRuntime;
let customer: TestCustomer;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  customer = await createCustomerWithAdmin(rt.deps);
});
afterAll(() => rt.close());

describe('PostgreSQL unreachable', () => {
  it('pages answer 503 in Spanish with Retry-After, /salud answers 503 JSON, sign-in too', async () => {
    const broken = createDb(`postgres://postgres@127.0.0.1:${await closedPort()}/portal`, { connectTimeoutMs: 1_000 });
    const app = createApp({ ...rt.deps, db: broken.db, dialect: 'postgres' });
    try {
      const page = await app.request('/servicios', { headers: { cookie: 'sid=una-sesion; csrf=un-token' } });
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toBe('5');
      const html = await page.text();
      expect(html).toContain(UNAVAILABLE);
      expect(html).not.toContain('inesperado');

      const health = await app.request('/salud');
      expect(health.status).toBe(503);
      expect(health.headers.get('retry-after')).toBe('5');
      expect(await health.json()).toMatchObject({ status: 'error', database: 'postgres' });

      const client = new TestClient({ ...rt, app });
      const signIn = await client.signIn(customer.rut, customer.admin.email, customer.admin.password);
      expect(signIn.status).toBe(503);
      expect(await signIn.text()).toContain(UNAVAILABLE);
    } finally {
      await broken.close();
    }
  });

  it('the CLI says so in Spanish, with the driver detail, and exits 75 (try again later)', async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${await closedPort()}/portal`;
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await runCli(['customer', 'list'], (s) => out.push(s), (s) => err.push(s));
      expect(code).toBe(75);
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
    expect(err.join('\n')).toMatch(/^No se pudo conectar con la base de datos \(ECONNREFUSED.*\)\. Revise que esté en marcha y que DATABASE_URL sea correcta/);
    expect(err.join('\n')).not.toMatch(/\n\s+at /);
  });

  it.runIf(pgUrl)('a connection the server ends, in use or idle, is a 503 for its query and a warning, never a crash', async () => {
    const warnings: string[] = [];
    const db = createDb(pgUrl!, { poolSize: 2, log: { warn: (o: unknown, msg?: string) => void warnings.push(`${msg} ${JSON.stringify(o)}`) } as never });
    try {
      // In use: the server ends the connection in the middle of a transaction (57P01, as on a restart).
      const inUse = db.db.transaction().execute(async (trx) => {
        await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
      });
      await expect(inUse).rejects.toBeInstanceOf(UnavailableError);

      // Idle: a client resting in the pool is ended from outside; pg reports it as an 'error' event.
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db.db);
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();
      for (let i = 0; i < 50 && !warnings.some((w) => w.includes('57P01')); i++) await new Promise((r) => setTimeout(r, 20));
      expect(warnings.join('\n')).toContain('database connection lost');
      expect(warnings.join('\n')).toContain('57P01');

      // The pool dropped both and connects afresh.
      expect((await sql<{ one: number }>`select 1 as one`.execute(db.db)).rows[0]!.one).toBe(1);
    } finally {
      await db.close();
    }
  });
});

describe('SQLite locked by another process', () => {
  it('a write that cannot get the lock answers 503 "ocupado" with Retry-After after the deadline; reads go on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-busy-'));
    const file = join(dir, 'portal.sqlite');
    const local = await createTestRuntime({ sqliteFile: file, withHelp: false });
    const c = await createCustomerWithAdmin(local.deps);
    const db = createDb(file, { busyDeadlineMs: 300 });
    const app = createApp({ ...local.deps, db: db.db });
    const client = new TestClient({ ...local, app });
    const other = new SQLite(file);
    try {
      expect(location(await client.signIn(c.rut, c.admin.email, c.admin.password))).toBe('/servicios');
      // BEGIN IMMEDIATE alone takes the write lock, as the CLI's transaction does.
      other.exec('begin immediate');

      const started = performance.now();
      const read = await client.get('/cuenta');
      expect(read.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(250);

      const write = await client.post('/salir');
      expect(write.status).toBe(503);
      expect(write.headers.get('retry-after')).toBe('2');
      expect(await write.text()).toContain(BUSY);
    } finally {
      if (other.inTransaction) other.exec('rollback');
      other.close();
      await db.close();
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
