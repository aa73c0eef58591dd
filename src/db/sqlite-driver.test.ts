import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../errors.ts';
import { createDb, type Db } from './create-db.ts';

// The SQLite driver's promises (sqlite-driver.ts), each against a real file
// and a real second connection: no wait on the event loop, transactions that
// never fail to upgrade, and one request's statement never inside another's
// transaction.

const dir = mkdtempSync(join(tmpdir(), 'portal-driver-'));
let n = 0;
const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fresh(options: Parameters<typeof createDb>[1] = {}): { file: string; db: Kysely<any>; handle: Db } {
  const file = join(dir, `t${++n}.sqlite`);
  const handle = createDb(file, options);
  opened.push(handle);
  return { file, db: handle.db as Kysely<any>, handle };
}

function other(file: string): SQLite.Database {
  const s = new SQLite(file);
  opened.push(s);
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The longest gap between ticks of a 5 ms timer while `f` runs: how long the event loop was blocked. */
async function worstLoopStall<T>(f: () => Promise<T>): Promise<{ stallMs: number; result: PromiseSettledResult<T> }> {
  let last = performance.now();
  let worst = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  const [result] = await Promise.allSettled([f()]);
  clearInterval(tick);
  return { stallMs: worst, result };
}

describe('SQLite driver', () => {
  it('waits for another connection\'s lock without blocking the event loop, and gets through when it is let go', async () => {
    const { file, db } = fresh();
    await sql`create table t (x integer)`.execute(db);
    const lock = other(file);
    lock.exec('begin immediate');
    setTimeout(() => lock.exec('commit'), 400);
    const started = performance.now();
    const { stallMs, result } = await worstLoopStall(() => db.insertInto('t').values({ x: 1 }).execute());
    expect(result.status).toBe('fulfilled');
    expect(performance.now() - started).toBeGreaterThan(350);
    expect(stallMs).toBeLessThan(200); // blocking the loop would stall it for the whole lock
  });

  it('gives up at the deadline with the named 503, the SQLite error as its cause', async () => {
    const { file, db } = fresh({ busyDeadlineMs: 250 });
    await sql`create table t (x integer)`.execute(db);
    const lock = other(file);
    lock.exec('begin immediate');
    const started = performance.now();
    const { stallMs, result } = await worstLoopStall(() => db.transaction().execute((trx) => trx.insertInto('t').values({ x: 1 }).execute()));
    const elapsed = performance.now() - started;
    lock.exec('rollback');
    expect(result.status).toBe('rejected');
    const err = (result as PromiseRejectedResult).reason as UnavailableError;
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.id).toBe('database-busy');
    expect((err.cause as { code: string }).code).toBe('SQLITE_BUSY');
    expect(elapsed).toBeGreaterThan(200);
    expect(elapsed).toBeLessThan(600);
    expect(stallMs).toBeLessThan(200); // blocking the loop would stall it for the whole lock
  });

  it('lets other requests read while a transaction waits to begin', async () => {
    const { file, db } = fresh();
    await sql`create table t (x integer)`.execute(db);
    await db.insertInto('t').values({ x: 7 }).execute();
    const lock = other(file);
    lock.exec('begin immediate');
    setTimeout(() => lock.exec('commit'), 500);
    const waiting = db.transaction().execute((trx) => trx.insertInto('t').values({ x: 8 }).execute());
    await sleep(20);
    const started = performance.now();
    const rows = await db.selectFrom('t').select('x').execute();
    expect(performance.now() - started).toBeLessThan(50);
    expect(rows).toEqual([{ x: 7 }]);
    await waiting;
  });

  it('never runs another request\'s statement inside an open transaction', async () => {
    const { db } = fresh();
    await sql`create table t (x text)`.execute(db);
    const rolledBack = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ x: 'inside' }).execute();
      await sleep(100);
      throw new Error('undo');
    });
    await sleep(10);
    // Outside any transaction: must not be swept away by the rollback.
    await db.insertInto('t').values({ x: 'outside' }).execute();
    await expect(rolledBack).rejects.toThrow('undo');
    expect(await db.selectFrom('t').select('x').execute()).toEqual([{ x: 'outside' }]);
  });

  it('two handles on one file running read-then-write transactions at once: all commit (BEGIN IMMEDIATE, no stale snapshot)', async () => {
    const a = fresh();
    const b = createDb(a.file);
    opened.push(b);
    await sql`create table counter (n integer)`.execute(a.db);
    await a.db.insertInto('counter').values({ n: 0 }).execute();
    const bump = (db: Kysely<any>) =>
      db.transaction().execute(async (trx) => {
        const { n } = await trx.selectFrom('counter').select('n').executeTakeFirstOrThrow();
        await sleep(2);
        await trx.updateTable('counter').set({ n: n + 1 }).execute();
      });
    await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 ? a.db : (b.db as Kysely<any>))));
    expect((await a.db.selectFrom('counter').select('n').executeTakeFirstOrThrow()).n).toBe(40);
  });

  it('keeps data_version: it moves when another connection commits, not for our own writes', async () => {
    const { file, db, handle } = fresh();
    await sql`create table t (x integer)`.execute(db);
    const v0 = handle.dataVersion!();
    await db.insertInto('t').values({ x: 1 }).execute();
    expect(handle.dataVersion!()).toBe(v0);
    other(file).prepare('insert into t values (2)').run();
    expect(handle.dataVersion!()).not.toBe(v0);
  });
});
