import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, type Runtime } from '../boot.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { createDb, isPostgresUrl } from '../db/create-db.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { TEST_START } from '../../tests/test-runtime.ts';
import { acquireJobLease, releaseJobLease } from './job-lease.ts';
import { JobScheduler, type ScheduledJob } from './job-scheduler.ts';

// Two portal runtimes on one database (a SQLite file, or one PostgreSQL
// schema), each with its own clock and its own scheduler, booted the way
// server.ts boots: what two instances do to each other's jobs.

let work: string;
let database: TestDatabase;
const silent = pino({ level: 'silent' });

type Portal = Runtime & { clock: ManualClock };

async function bootPortal(): Promise<Portal> {
  const clock = new ManualClock(TEST_START);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost' });
  const rt = await boot(config, silent, { clock, ...(database.schema ? { db: { searchPath: database.schema, poolSize: 4 } } : {}) });
  return Object.assign(rt, { clock });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A `once` job that counts its runs and how many of them ran at the same
 * time. Its body lasts until `holdUntil()` settles (the other instance's
 * whole turn, in the race), so the other's attempt surely falls inside it.
 */
function probe(name: string, holdUntil: (who: string) => Promise<unknown> = async () => {}) {
  const state = { runs: [] as string[], active: 0, maxActive: 0 };
  const jobFor = (who: string): ScheduledJob => ({
    name,
    everyMs: 60_000,
    once: true,
    async run() {
      state.runs.push(who);
      state.maxActive = Math.max(state.maxActive, ++state.active);
      try {
        await Promise.race([holdUntil(who), sleep(10_000)]);
      } finally {
        state.active--;
      }
    },
  });
  return { state, jobFor };
}

let a: Portal;
let b: Portal;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'job-leases-'));
  const env = process.env.DATABASE_URL;
  database = env && isPostgresUrl(env) ? await createTestDatabase('jobs') : { url: join(work, 'portal.sqlite'), schema: undefined, drop: async () => {} };
  a = await bootPortal();
  b = await bootPortal();
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await database.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('jobs marked once, on two instances', () => {
  it('the portal\'s own jobs run under leases and every turn gives them back', async () => {
    await Promise.all([a.scheduler.runDue(), b.scheduler.runDue()]);
    expect(await a.deps.db.selectFrom('job_leases').selectAll().execute()).toEqual([]);
  });

  it('two runtimes racing runDue() run a job body once per turn, never two at a time', async () => {
    let turnOf: Record<string, Promise<void>> = {};
    // The winner holds the lease until the loser's whole turn is over: the loser surely knocked while it was held.
    const { state, jobFor } = probe('probe-race', (who) => turnOf[who === 'A' ? 'B' : 'A']!);
    a.scheduler.add(jobFor('A'));
    b.scheduler.add(jobFor('B'));
    const TURNS = 12;
    for (let turn = 1; turn <= TURNS; turn++) {
      // Both instances' whole runDue (the portal's own jobs first, then the probe), at the same moment, each side first in turn.
      const [first, second] = turn % 2 ? [a, b] : [b, a];
      const p1 = first.scheduler.runDue();
      const p2 = second.scheduler.runDue();
      turnOf = first === a ? { A: p1, B: p2 } : { A: p2, B: p1 };
      await Promise.all([p1, p2]);
      expect(state.runs).toHaveLength(turn);
    }
    expect(state.maxActive).toBe(1);
    expect(await a.deps.db.selectFrom('job_leases').selectAll().execute()).toEqual([]);
  });

  it('a holder killed mid-run (its lease left behind, never renewed) is taken over once the lease expires, not before', async () => {
    const { state, jobFor } = probe('probe-takeover');
    b.scheduler.add(jobFor('B'));
    // What a SIGKILLed instance leaves: its row, with nobody renewing it.
    const killed = await acquireJobLease(a.deps.db, 'probe-takeover', 'otra-maquina:4242', b.clock.now(), 60_000);
    expect(killed).toBeDefined();
    await b.scheduler.runDue();
    expect(state.runs).toEqual([]);
    b.clock.advance(59_000);
    await b.scheduler.runDue();
    expect(state.runs).toEqual([]);
    b.clock.advance(1_000);
    await b.scheduler.runDue();
    expect(state.runs).toEqual(['B']);
    // Released after the run; the dead holder's token opens nothing any more.
    expect(await b.deps.db.selectFrom('job_leases').selectAll().where('name', '=', 'probe-takeover').execute()).toEqual([]);
  });

  it('a holder that paused past its lease and was replaced stops at its next renewal and leaves the new lease alone', async () => {
    const renewing = new JobScheduler({ clock: a.clock, log: silent, db: a.deps.db, holder: 'A', leaseMs: 1_000, renewEveryMs: 20 });
    let aborted = false;
    let release!: () => void;
    const started = new Promise<void>((r) => (release = r));
    renewing.add({
      name: 'probe-paused',
      everyMs: 60_000,
      once: true,
      async run(_now, signal) {
        release();
        // A long job that checks its signal between items.
        for (let i = 0; i < 500 && !signal.aborted; i++) await sleep(10);
        aborted = signal.aborted;
      },
    });
    const running = renewing.runDue();
    await started;
    // B's clock is past A's expiry (A's renewals are written on A's clock, which stands still): B takes the lease over.
    const other = new JobScheduler({ clock: b.clock, log: silent, db: b.deps.db, holder: 'B', leaseMs: 1_000 });
    const bRuns: number[] = [];
    let bInside!: () => void;
    const bStarted = new Promise<void>((r) => (bInside = r));
    let bLetGo!: () => void;
    const bMayEnd = new Promise<void>((r) => (bLetGo = r));
    other.add({ name: 'probe-paused', everyMs: 60_000, once: true, run: async () => void (bRuns.push(1), bInside(), await bMayEnd) });
    b.clock.advance(5_000);
    const bRun = other.runDue();
    await bStarted;
    await running;
    expect(aborted).toBe(true);
    // A's end did not delete B's lease.
    expect((await b.deps.db.selectFrom('job_leases').selectAll().where('name', '=', 'probe-paused').executeTakeFirstOrThrow()).holder).toBe('B');
    bLetGo();
    await bRun;
    expect(bRuns).toEqual([1]);
    await renewing.stop();
    await other.stop();
  });

  it('a run whose renewals fail (the database gone from this process only) stops before its lease runs out, not when a renewal answers', async () => {
    // A connection of its own that the test closes mid-run: every renewal after it throws, none says "lost".
    const own = createDb(database.url, database.schema ? { searchPath: database.schema, poolSize: 1 } : {});
    const s = new JobScheduler({ clock: a.clock, log: silent, db: own.db, holder: 'A', leaseMs: 1_500, renewEveryMs: 100 });
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    let stoppedAfter = Infinity;
    const t0 = performance.now();
    s.add({
      name: 'probe-unrenewed',
      everyMs: 60_000,
      once: true,
      async run(_now, signal) {
        inside();
        for (let i = 0; i < 500 && !signal.aborted; i++) await sleep(10);
        stoppedAfter = performance.now() - t0;
      },
    });
    const run = s.runDue();
    await started;
    await own.close();
    await run;
    // Another instance may take the lease at 1.5 s: the run stopped before that (a sixth of the lease ahead), not after 5 s.
    expect(stoppedAfter).toBeLessThan(1_500);
    await s.stop();
    // Left behind (the database could not be told); another instance takes it once it expires.
    expect(await a.deps.db.selectFrom('job_leases').select('holder').where('name', '=', 'probe-unrenewed').executeTakeFirst()).toEqual({ holder: 'A' });
    await a.deps.db.deleteFrom('job_leases').where('name', '=', 'probe-unrenewed').execute();
  });

  it('stop() tells a running job to stop and gives its lease back', async () => {
    const s = new JobScheduler({ clock: a.clock, log: silent, db: a.deps.db, holder: 'A' });
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    s.add({
      name: 'probe-stop',
      everyMs: 60_000,
      once: true,
      async run(_now, signal) {
        inside();
        while (!signal.aborted) await sleep(10);
      },
    });
    const run = s.runDue();
    await started;
    expect(await a.deps.db.selectFrom('job_leases').select('holder').where('name', '=', 'probe-stop').executeTakeFirst()).toEqual({ holder: 'A' });
    await s.stop();
    await run;
    expect(await a.deps.db.selectFrom('job_leases').selectAll().where('name', '=', 'probe-stop').execute()).toEqual([]);
  });

  it('a started scheduler that found the lease held looks again at its expiry: a dead holder\'s job is taken over then, not a whole interval later; a released one is left alone', async () => {
    const wall = { now: () => new Date() };
    const runs: string[] = [];
    const s = new JobScheduler({ clock: wall, log: silent, db: b.deps.db, holder: 'B', leaseMs: 60_000, firstTurnMs: 1 });
    for (const name of ['probe-dead-holder', 'probe-done-holder']) s.add({ name, everyMs: 60_000, once: true, run: async () => void runs.push(name) });
    // What a SIGKILLed instance leaves (expiring in 1 s), and a live one that finishes meanwhile and gives its lease back.
    expect(await acquireJobLease(a.deps.db, 'probe-dead-holder', 'otra-maquina:4242', wall.now(), 1_000)).toBeDefined();
    const live = await acquireJobLease(a.deps.db, 'probe-done-holder', 'otra-maquina:4243', wall.now(), 1_000);
    s.start();
    // Once both first turns found their lease held (a turn after the release would simply take it), the live one finishes.
    const watching = (s as unknown as { watches: Map<string, unknown> }).watches;
    for (let i = 0; i < 200 && watching.size < 2; i++) await sleep(5);
    expect([...watching.keys()].sort()).toEqual(['probe-dead-holder', 'probe-done-holder']);
    await releaseJobLease(a.deps.db, 'probe-done-holder', live!);
    // Its next turn is a minute away: only the watch can run it within a second or two.
    for (let i = 0; i < 150 && runs.length === 0; i++) await sleep(20);
    await sleep(300);
    await s.stop();
    expect(runs).toEqual(['probe-dead-holder']);
    expect(await a.deps.db.selectFrom('job_leases').selectAll().where('name', 'in', ['probe-dead-holder', 'probe-done-holder']).execute()).toEqual([]);
  });

  it('a job not marked once runs on every instance', async () => {
    const runs: string[] = [];
    const each = (who: string): ScheduledJob => ({ name: 'probe-local', everyMs: 60_000, once: false, run: async () => void runs.push(who) });
    const sa = new JobScheduler({ clock: a.clock, log: silent, db: a.deps.db });
    const sb = new JobScheduler({ clock: b.clock, log: silent, db: b.deps.db });
    sa.add(each('A'));
    sb.add(each('B'));
    await Promise.all([sa.runDue(), sb.runDue()]);
    expect(runs.sort()).toEqual(['A', 'B']);
    expect(await a.deps.db.selectFrom('job_leases').selectAll().where('name', '=', 'probe-local').execute()).toEqual([]);
  });
});

describe('JOB_LEASE_SECONDS', () => {
  it('sets the job leases and the mail claims, and must outlast two SMTP waits', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).jobLeaseMs).toBe(60_000);
    expect(loadConfig({ NODE_ENV: 'test', JOB_LEASE_SECONDS: '10', SMTP_TIMEOUT_SECONDS: '5' }).jobLeaseMs).toBe(10_000);
    expect(() => loadConfig({ NODE_ENV: 'test', JOB_LEASE_SECONDS: '20' })).toThrow(/SMTP_TIMEOUT_SECONDS \(15\) no puede pasar de la mitad de JOB_LEASE_SECONDS \(20\)/);
    // The limit follows the lease, not a fixed 60 s: a longer lease allows a longer SMTP wait, the default lease does not.
    expect(loadConfig({ NODE_ENV: 'test', JOB_LEASE_SECONDS: '120', SMTP_TIMEOUT_SECONDS: '45' })).toMatchObject({ jobLeaseMs: 120_000, smtpTimeoutMs: 45_000 });
    expect(() => loadConfig({ NODE_ENV: 'test', SMTP_TIMEOUT_SECONDS: '45' })).toThrow(/SMTP_TIMEOUT_SECONDS \(45\) no puede pasar de la mitad de JOB_LEASE_SECONDS \(60\)/);
    expect(() => loadConfig({ NODE_ENV: 'test', JOB_LEASE_SECONDS: '2', SMTP_TIMEOUT_SECONDS: '1' })).toThrow(/entre 4 y 3600/);
  });
});
