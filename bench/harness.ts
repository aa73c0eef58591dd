// What every section of `npm run bench` shares: children pinned to a core and
// spoken to over IPC, the load generator, measurements in turns, the CPU other
// programs took from the bench cores, the portal and its demo sign-in, the
// report table, and a clean stop (children killed, temporary files and
// schemas removed) however the run ends.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BENCH = fileURLToPath(new URL('.', import.meta.url));
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
export const WARMUP_SECONDS = 1;
/** Before anything is measured: V8 compiles the hot code on threads of the same core for a few seconds. */
export const FIRST_WARMUP_SECONDS = 4;
export const SERVER_CORE = '0';
export const LOAD_CORE = '1';
export const DEMO = { rut: '76543210-3', email: 'admin@losaromos.cl', password: 'Demo-Portal-2026!' };
export const NOISY_PCT = 10;
const QUIET_WAIT_MS = 20_000;

export const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
export const canPin = cpus().length >= 2 && hasTaskset();

// ---------------------------------------------------------------- children and clean-up

const children = new Set<ChildProcess>();
const coreOf = new Map<ChildProcess, string>();
const cleanups: Array<() => void | Promise<void>> = [];

/** Runs when the bench ends, however it ends (last registered, first run). */
export function onCleanup(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}

function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

let finishing: Promise<never> | null = null;
/** True once the bench is stopping (a signal, the deadline): errors from killed children are expected then. */
export const isFinishing = () => finishing !== null;

/** Stop every child, run the clean-ups (at most 10 s), then exit; later calls wait for the first. */
export function finish(code: number): Promise<never> {
  finishing ??= (async () => {
    killAll();
    const all = (async () => {
      while (cleanups.length > 0) {
        try {
          await cleanups.pop()!();
        } catch (err) {
          process.stderr.write(`bench: clean-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
    })();
    await Promise.race([all, sleep(10_000)]);
    process.exit(code);
  })();
  return finishing;
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping\n`);
    void finish(130);
  });
}

/** A hard deadline for the whole run: if something hangs, clean up and give up. */
export function deadline(ms: number): void {
  setTimeout(() => {
    process.stderr.write(`bench: still running after ${Math.round(ms / 1000)} s, giving up\n`);
    void finish(1);
  }, ms).unref();
}

/** A node process with an IPC channel, pinned to `core` when the machine allows it. */
export function spawnNode(core: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const [cmd, argv] = canPin ? ['taskset', ['-c', core, process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd as string, argv as string[], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.add(child);
  coreOf.set(child, core);
  child.on('exit', () => children.delete(child));
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  (child as ChildProcess & { tail: () => string }).tail = () => tail;
  return child;
}

/** SIGTERM, and wait for the exit (at most 3 s). */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([new Promise((r) => child.once('exit', r)), sleep(3000)]);
}

/** Children that take orders over IPC say when they listen; an order sent earlier could be lost. */
export function ready(child: ChildProcess, timeoutMs = 30_000): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child not ready in ${timeoutMs} ms:\n${outputOf(child)}`)), timeoutMs);
    const onMessage = (m: { ready?: boolean }) => {
      if (!m?.ready) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(child);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready:\n${outputOf(child)}`)));
  });
}

export const outputOf = (child: ChildProcess) => (child as ChildProcess & { tail?: () => string }).tail?.() ?? '';

let nextId = 1;
export const newId = () => nextId++;

/** Send `msg` with a fresh id and wait for the child's answer carrying that id. */
export function ask<T>(child: ChildProcess, msg: Record<string, unknown>, timeoutMs = 60_000): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: { id?: number }) => {
      if (m?.id !== id) return;
      cleanup();
      resolve(m as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited (${code}) while waiting for ${JSON.stringify(msg).slice(0, 80)}\n${outputOf(child)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no answer in ${timeoutMs} ms to ${JSON.stringify(msg).slice(0, 80)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send({ ...msg, id });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- load

export interface LoadResult {
  seconds: number;
  total: number;
  perSecond: number;
  byStatus: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p99: number; max: number };
  bytesPerRequest: number;
  /** Wall time of the run, measured around autocannon (ms, not rounded). */
  wallMs?: number;
}

export interface ServerStats {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  samples: number;
  cpuPct: number;
  mainCpuPct: number;
  wallMs: number;
  /** The hash threads' share of the window running, and ready but waiting for the CPU (el-monitor.mjs); null where /proc cannot tell. */
  hashRunPct?: number | null;
  hashWaitPct?: number | null;
}

export type LoadOpts = Record<string, unknown>;

export async function load(gen: ChildProcess, opts: LoadOpts): Promise<LoadResult> {
  const m = await ask<{ result?: LoadResult; error?: string }>(gen, { load: 'run', opts }, (Number(opts.duration ?? 10) + 30) * 1000 + Number(opts.timeoutMs ?? 0));
  if (!m.result) throw new Error(`load generator: ${m.error}`);
  return m.result;
}

/** A run that goes on in the background (a storm, an attack) until it is stopped; stop() gives its result. */
export function startInBackground(gen: ChildProcess, opts: LoadOpts): { stop(): Promise<LoadResult> } {
  const id = newId();
  const done = new Promise<{ result?: LoadResult; error?: string }>((resolve) => {
    const on = (m: { id?: number }) => {
      if (m?.id !== id) return;
      gen.off('message', on);
      resolve(m as { result?: LoadResult; error?: string });
    };
    gen.on('message', on);
  });
  gen.send({ load: 'run', id, opts });
  return {
    async stop() {
      gen.send({ load: 'stop', id });
      const m = await done;
      if (!m.result) throw new Error(`load generator: ${m.error}`);
      return m.result;
    },
  };
}

// ---------------------------------------------------------------- interference

/**
 * CPU ticks per core (from /proc/stat) and per process of ours (from
 * /proc/PID/stat, all threads). The difference over a measurement is what
 * other programs on the machine took from each core: a test suite running
 * beside the bench makes every figure meaningless, and the report says so.
 */
export interface CpuSnapshot {
  cores: Record<string, { busy: number; total: number }>;
  /** pid -> [core, ticks] */
  ours: Map<number, [string, number]>;
}

function ticksOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const cores: CpuSnapshot['cores'] = {};
  try {
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^cpu(\d+) (.*)$/.exec(line);
      if (!m) continue;
      const v = m[2]!.trim().split(/\s+/).map(Number);
      // user nice system idle iowait irq softirq steal
      const idle = (v[3] ?? 0) + (v[4] ?? 0);
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
      cores[m[1]!] = { busy: total - idle, total };
    }
  } catch {
    // not Linux: no interference figures
  }
  const ours = new Map<number, [string, number]>([[process.pid, [LOAD_CORE, ticksOf(process.pid)]]]);
  for (const child of children) if (child.pid) ours.set(child.pid, [coreOf.get(child) ?? '?', ticksOf(child.pid)]);
  return { cores, ours };
}

/** Percent of each pinned core that other programs used between two snapshots. */
export function othersPct(a: CpuSnapshot, b: CpuSnapshot, oursExtra: Record<string, number> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const core of [SERVER_CORE, LOAD_CORE]) {
    const ca = a.cores[core];
    const cb = b.cores[core];
    if (!ca || !cb || cb.total === ca.total) continue;
    const busy = cb.busy - ca.busy;
    // A process that ended in between took ticks we cannot see any more: pass them in oursExtra.
    let ours = oursExtra[core] ?? 0;
    for (const [pid, [c, ticks]] of b.ours) if (c === core) ours += ticks - (a.ours.get(pid)?.[1] ?? 0);
    out[core] = Math.max(0, Math.round(((busy - ours) / (cb.total - ca.total)) * 100));
  }
  return out;
}

/** Give other programs (a test suite, a browser) a little time to finish before measuring. */
export async function waitForQuiet(): Promise<void> {
  const until = Date.now() + QUIET_WAIT_MS;
  let said = false;
  for (;;) {
    const a = cpuSnapshot();
    await sleep(1000);
    const others = othersPct(a, cpuSnapshot());
    const busy = Object.entries(others).filter(([, pct]) => pct > NOISY_PCT);
    if (busy.length === 0) return;
    if (Date.now() >= until) {
      log(`the machine is still busy (${busy.map(([c, p]) => `core ${c} ${p}%`).join(', ')}): measuring anyway`);
      return;
    }
    if (!said) log(`other programs are using the bench cores (${busy.map(([c, p]) => `core ${c} ${p}%`).join(', ')}): waiting up to ${QUIET_WAIT_MS / 1000} s`);
    said = true;
  }
}

export interface Measurement {
  load: LoadResult;
  server: ServerStats;
  othersPct: Record<string, number>;
  /** Server CPU time (all its threads) per answered request. */
  cpuUsPerRequest: number;
}

export async function measureWindow(gen: ChildProcess, server: ChildProcess, opts: LoadOpts, seconds: number): Promise<Measurement> {
  await ask(server, { bench: 'reset' });
  const before = cpuSnapshot();
  const result = await load(gen, { ...opts, duration: seconds });
  const after = cpuSnapshot();
  const stats = await ask<ServerStats>(server, { bench: 'read' });
  const cpuUsPerRequest = result.total > 0 ? Math.round(((stats.cpuPct / 100) * stats.wallMs * 1000) / result.total) : 0;
  return { load: result, server: stats, othersPct: othersPct(before, after), cpuUsPerRequest };
}

/** Load for SECONDS after a warm-up, with the server's meters reset at the start and read at the end. */
export async function measure(gen: ChildProcess, server: ChildProcess, opts: LoadOpts): Promise<Measurement> {
  await load(gen, { ...opts, duration: WARMUP_SECONDS });
  return measureWindow(gen, server, opts, SECONDS);
}

/**
 * Several targets measured in turns of one second, SECONDS turns each, and
 * the turns added up: on a machine whose speed drifts (a shared VM, another
 * program starting), each target sees the same conditions, so the ratio
 * between them holds even when the absolute figures move.
 */
export async function measureInTurns(gen: ChildProcess, targets: Array<{ server: ChildProcess; opts: LoadOpts }>): Promise<Measurement[]> {
  for (const t of targets) await load(gen, { ...t.opts, duration: WARMUP_SECONDS });
  const turns: Measurement[][] = targets.map(() => []);
  for (let i = 0; i < SECONDS; i++) {
    for (const [k, t] of targets.entries()) turns[k]!.push(await measureWindow(gen, t.server, t.opts, 1));
  }
  return turns.map(addUp);
}

export function addUp(ms: Measurement[]): Measurement {
  const sum = (f: (m: Measurement) => number) => ms.reduce((a, m) => a + f(m), 0);
  const max = (f: (m: Measurement) => number) => Math.max(...ms.map(f));
  const byStatus: Record<string, number> = {};
  for (const m of ms) for (const [code, count] of Object.entries(m.load.byStatus)) byStatus[code] = (byStatus[code] ?? 0) + count;
  const seconds = sum((m) => m.load.seconds);
  const total = sum((m) => m.load.total);
  const wallMs = sum((m) => m.server.wallMs);
  const cpuMs = sum((m) => (m.server.cpuPct / 100) * m.server.wallMs);
  const mainMs = sum((m) => (m.server.mainCpuPct / 100) * m.server.wallMs);
  const othersPct: Record<string, number> = {};
  for (const m of ms) for (const [core, pct] of Object.entries(m.othersPct)) othersPct[core] = Math.max(othersPct[core] ?? 0, pct);
  const weighted = (f: (m: Measurement) => number | null | undefined) =>
    ms.every((m) => typeof f(m) === 'number') ? Math.round((sum((m) => f(m)! * m.server.wallMs) / wallMs) * 10) / 10 : null;
  return {
    load: {
      seconds,
      total,
      perSecond: total / seconds,
      byStatus,
      errors: sum((m) => m.load.errors),
      timeouts: sum((m) => m.load.timeouts),
      // Percentiles do not add up: the worst turn's.
      latencyMs: { p50: max((m) => m.load.latencyMs.p50), p99: max((m) => m.load.latencyMs.p99), max: max((m) => m.load.latencyMs.max) },
      bytesPerRequest: ms[0]?.load.bytesPerRequest ?? 0,
      wallMs: sum((m) => m.load.wallMs ?? m.load.seconds * 1000),
    },
    server: {
      p50Ms: max((m) => m.server.p50Ms),
      p99Ms: max((m) => m.server.p99Ms),
      maxMs: max((m) => m.server.maxMs),
      meanMs: max((m) => m.server.meanMs),
      samples: sum((m) => m.server.samples),
      cpuPct: Math.round((cpuMs / wallMs) * 1000) / 10,
      mainCpuPct: Math.round((mainMs / wallMs) * 1000) / 10,
      wallMs,
      hashRunPct: weighted((m) => m.server.hashRunPct),
      hashWaitPct: weighted((m) => m.server.hashWaitPct),
    },
    othersPct,
    cpuUsPerRequest: total > 0 ? Math.round((cpuMs * 1000) / total) : 0,
  };
}

/** Successful answers per second: `status` only, anything else is reported apart. */
export function okPerSecond(r: LoadResult, status: string): number {
  return (r.byStatus[status] ?? 0) / r.seconds;
}

export function nonOk(r: LoadResult, ok: string): string {
  const other = Object.entries(r.byStatus).filter(([code]) => code !== ok);
  const parts = other.map(([code, count]) => `${count}×${code}`);
  if (r.errors > 0) parts.push(`${r.errors} errors`);
  return parts.length > 0 ? ` [unexpected: ${parts.join(', ')}]` : '';
}

// ---------------------------------------------------------------- portal

export function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    out[pair!.slice(0, eq)] = pair!.slice(eq + 1);
  }
  return out;
}

export async function waitHealthy(base: string, server: ChildProcess): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`the portal exited (${server.exitCode}):\n${outputOf(server)}`);
    try {
      const res = await fetch(`${base}/salud`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the portal did not answer /salud within 60 s:\n${outputOf(server)}`);
}

/**
 * What `npm start` runs: its prestart builds src/server.ts into dist/server.js
 * (scripts/build-server.js, decision 0025), which runs on plain node. Built
 * once per bench run; returns the entry's path for startPortal's `entry`.
 */
export function buildServer(): string {
  execFileSync(process.execPath, ['scripts/build-server.js'], { cwd: ROOT, stdio: 'ignore' });
  return join(ROOT, 'dist', 'server.js');
}

/**
 * The portal with the event-loop monitor, pinned to the server core, on a free
 * port: src/server.ts through tsx, or `entry` (buildServer's bundle) on plain
 * node as `npm start` runs it.
 */
export async function startPortal(databaseUrl: string, env: NodeJS.ProcessEnv = {}, entry?: string): Promise<{ portal: ChildProcess; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // BENCH_PORTAL_NODE_ARGS: extra node flags for the portal only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (node refuses those in NODE_OPTIONS).
  const extra = (process.env.BENCH_PORTAL_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = entry ? [...extra, '--enable-source-maps', '--import', join(BENCH, 'el-monitor.mjs'), entry] : [...extra, '--import', 'tsx', '--import', join(BENCH, 'el-monitor.mjs'), 'src/server.ts'];
  const portal = spawnNode(SERVER_CORE, args, {
    ...process.env,
    NODE_ENV: 'development',
    DEMO_DATA: 'true',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: base,
    SMTP_URL: '',
    ...env,
  });
  onCleanup(() => stop(portal));
  await waitHealthy(base, portal);
  return { portal, base };
}

/** After a storm the hasher still works through its queue: wait until the portal is idle again. */
export async function drained(server: ChildProcess, maxMs = 20_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    await ask(server, { bench: 'reset' });
    await sleep(500);
    if ((await ask<ServerStats>(server, { bench: 'read' })).cpuPct < 10) return;
  }
}

/** Sign in once as the demo administrator; the CSRF cookie is one a browser would hold. */
export async function signInDemo(base: string): Promise<{ cookie: string; signInHeaders: Record<string, string>; signInBody: string }> {
  const csrf = randomBytes(32).toString('base64url');
  const signInBody = new URLSearchParams({ _csrf: csrf, rut: DEMO.rut, email: DEMO.email, password: DEMO.password }).toString();
  const signInHeaders = { cookie: `csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' };
  const signedIn = await fetch(`${base}/ingresar`, { method: 'POST', headers: signInHeaders, body: signInBody, redirect: 'manual' });
  const sid = cookiesOf(signedIn).sid;
  if (signedIn.status !== 303 || !sid) throw new Error(`demo sign-in failed: ${signedIn.status}`);
  return { cookie: `sid=${sid}; csrf=${csrf}`, signInHeaders, signInBody };
}

// ---------------------------------------------------------------- database

export interface BenchDatabase {
  /** What the portal gets as DATABASE_URL. */
  url: string;
  dialect: 'sqlite' | 'postgres';
  /** One statement, `?` placeholders on both dialects; the rows it returns (none for a write). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  adminHash(): Promise<string>;
  drop(): Promise<void>;
}

/**
 * A fresh database for one portal: a SQLite file in `dir`, or with
 * `usePostgres` a schema of its own in DATABASE_URL (so the demo data is
 * fresh and nothing else is touched), dropped at the end however the run ends.
 */
export async function prepareDatabase(dir: string, usePostgres: boolean): Promise<BenchDatabase> {
  const adminHash = async (db: BenchDatabase) => {
    const rows = await db.query<{ password_hash: string }>('select password_hash from users where email = ?', [DEMO.email]);
    if (!rows[0]) throw new Error('demo administrator not found in the bench database');
    return rows[0].password_hash;
  };
  if (!usePostgres) {
    const file = join(dir, 'portal.sqlite');
    const db: BenchDatabase = {
      url: file,
      dialect: 'sqlite',
      // A connection per statement: the bench never holds a lock while the portal works.
      async query<T>(text: string, params: unknown[] = []) {
        const conn = new SQLite(file, { timeout: 10_000 });
        try {
          const st = conn.prepare(text);
          if (st.reader) return st.all(...params) as T[];
          st.run(...params);
          return [];
        } finally {
          conn.close();
        }
      },
      adminHash: () => adminHash(db),
      async drop() {},
    };
    return db;
  }
  const base = process.env.DATABASE_URL ?? '';
  if (!/^postgres(ql)?:\/\//.test(base)) throw new Error('--postgres needs DATABASE_URL=postgres://…');
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  // A connection the server ends (a restart, another program's pg_terminate_backend) fails the next query, not the whole process.
  admin.on('error', (err) => log(`bench database connection: ${err.message}`));
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.query(`set search_path to ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  };
  onCleanup(drop);
  const db: BenchDatabase = {
    url: url.toString(),
    dialect: 'postgres',
    async query<T>(text: string, params: unknown[] = []) {
      let i = 0;
      const r = await admin.query(text.replace(/\?/g, () => `$${++i}`), params);
      return (r.rows ?? []) as T[];
    },
    adminHash: () => adminHash(db),
    drop,
  };
  return db;
}

/** A user the bench signs in as, from an address of its own (sent as X-Forwarded-For; the portal runs with TRUST_PROXY=true). */
export interface BenchUser {
  rut: string;
  email: string;
  password: string;
  ip: string;
}

/**
 * The address numbered `i` in 198.18.0.0/15, the range RFC 2544 sets aside
 * for benchmarks (131,072 of them). Each part of a run takes its own block
 * of numbers, so no two clients share a throttle key by accident.
 */
export function benchAddress(i: number): string {
  if (!(Number.isInteger(i) && i >= 0 && i < 1 << 17)) throw new Error(`bench address ${i} is outside 198.18.0.0/15`);
  return `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

/**
 * `count` technical users of the demo customer, inserted straight into the
 * portal's database with the demo administrator's password hash (so they
 * sign in with the demo password and no hash is computed to seed them).
 * User i signs in from its own address, `addressOf(i)`.
 */
export async function seedUsers(db: BenchDatabase, count: number, emailOf: (i: number) => string, addressOf: (i: number) => string): Promise<BenchUser[]> {
  const hash = await db.adminHash();
  const customer = (await db.query<{ id: string }>('select id from customers where rut = ?', [DEMO.rut]))[0];
  if (!customer) throw new Error('demo customer not found in the bench database');
  const now = new Date().toISOString();
  const users: BenchUser[] = [];
  const CHUNK = 200;
  for (let from = 0; from < count; from += CHUNK) {
    const rows: unknown[] = [];
    const values: string[] = [];
    for (let i = from; i < Math.min(count, from + CHUNK); i++) {
      const email = emailOf(i);
      users.push({ rut: DEMO.rut, email, password: DEMO.password, ip: addressOf(i) });
      values.push('(?, ?, ?, ?, ?, ?, 0, null, null, null, ?, ?, ?)');
      rows.push(randomUUID(), customer.id, email, `Usuaria de prueba ${i + 1}`, 'technical', hash, now, 'bench', now);
    }
    await db.query(
      `insert into users (id, customer_id, email, name, role, password_hash, must_change_password, temp_password_expires_at, disabled_at, last_sign_in_at, password_changed_at, created_by, created_at) values ${values.join(', ')}`,
      rows,
    );
  }
  return users;
}

/** A sign-in POST as the load generators send it: a CSRF cookie a browser would hold, the address in X-Forwarded-For. */
export function signInRequest(u: Pick<BenchUser, 'rut' | 'email' | 'password' | 'ip'>, csrf = BENCH_CSRF): { method: 'POST'; path: string; headers: Record<string, string>; body: string } {
  return {
    method: 'POST',
    path: '/ingresar',
    headers: { cookie: `csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': u.ip },
    body: new URLSearchParams({ _csrf: csrf, rut: u.rut, email: u.email, password: u.password }).toString(),
  };
}
const BENCH_CSRF = randomBytes(32).toString('base64url');

export interface CapturedPage {
  headers: Array<[string, string]>;
  body: Buffer;
}

/**
 * "The same bytes": a raw server replays the portal's whole answer, headers
 * included (security headers, cache-control, request id), not just the body.
 */
export async function capturePage(base: string, path: string, cookie: string): Promise<CapturedPage> {
  const NODE_ADDS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
  const res = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  // A steady-state request sets no cookie; if one did, every request would pay for it.
  if (res.headers.getSetCookie().length > 0) throw new Error(`${path} set a cookie: ${res.headers.getSetCookie().join('; ')}`);
  return { headers: [...res.headers].filter(([k]) => !NODE_ADDS.has(k)), body: Buffer.from(await res.arrayBuffer()) };
}

/** A bare node:http server on the server core answering each path with the captured bytes. */
export async function startRawServer(pages: Record<string, CapturedPage>): Promise<{ raw: ChildProcess; rawBase: string }> {
  const raw = await ready(spawnNode(SERVER_CORE, ['--import', join(BENCH, 'el-monitor.mjs'), join(BENCH, 'raw-server.mjs')]));
  const routes = Object.fromEntries(Object.entries(pages).map(([p, v]) => [p, { headers: v.headers, base64: v.body.toString('base64') }]));
  const rawBase = `http://127.0.0.1:${(await ask<{ port: number }>(raw, { raw: 'routes', routes })).port}`;
  return { raw, rawBase };
}

export function startLoadGenerator(): Promise<ChildProcess> {
  return ready(spawnNode(LOAD_CORE, [join(BENCH, 'load.mjs')]));
}

// ---------------------------------------------------------------- report

export interface Row {
  name: string;
  /** The most any other program took of either core during the measurements behind this figure. */
  noisePct: number;
  value: number;
  /** 'count': a whole number; 'yes/no': 1 or 0 (a target of >= 1 asks for yes). */
  unit: 'ratio' | 'ms' | 'count' | 'yes/no';
  target: { op: '>=' | '<='; value: number } | null;
  detail: string;
}

export const noiseOf = (...ms: Array<{ othersPct: Record<string, number> }>) => Math.max(0, ...ms.flatMap((m) => Object.values(m.othersPct)));

export const pass = (r: Row) =>
  r.target === null || !Number.isFinite(r.value) ? 'INFO' : (r.target.op === '>=' ? r.value >= r.target.value : r.value <= r.target.value) ? 'PASS' : 'FAIL';
const fmt = (r: Row) =>
  !Number.isFinite(r.value)
    ? '—'
    : r.unit === 'ms'
      ? `${r.value.toFixed(2)} ms`
      : r.unit === 'count'
        ? n(r.value)
        : r.unit === 'yes/no'
          ? r.value >= 1 ? 'yes' : 'no'
          : r.value.toFixed(3);
const targetText = (r: Row) =>
  !r.target ? '—' : r.unit === 'yes/no' ? (r.target.value >= 1 ? 'yes' : 'no') : `${r.target.op} ${r.target.value}${r.unit === 'ms' ? ' ms' : ''}`;

export function table(rows: Row[], noisyNotes: string[] = []): string {
  const cells = rows.map((r) => [
    r.name,
    fmt(r),
    targetText(r),
    pass(r),
    `${r.noisePct}%${r.noisePct > NOISY_PCT ? ' !' : ''}`,
  ]);
  const head = ['figure', 'value', 'target', 'result', 'other load'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 1 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join(' │ ');
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  const details = rows.map((r) => `  ${r.name}: ${r.detail}`);
  const noisy = rows.some((r) => r.noisePct > NOISY_PCT)
    ? [
        '',
        `  ! other programs took more than ${NOISY_PCT}% of a bench core during some measurements ("other load": the most, on either core):`,
        '    those figures measure the machine, not the portal. Run again on a quiet machine.',
        ...noisyNotes,
      ]
    : [];
  return [line(head), rule, ...cells.map(line), '', ...details, ...noisy].join('\n');
}
