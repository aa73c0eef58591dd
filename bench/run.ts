// `npm run bench`: the figures issue 2 asks for, from one run.
//
//   1. services page req/s ÷ a bare node:http server sending the same bytes
//   2. help article page req/s ÷ the same kind of bare server
//   3. sign-in throughput ÷ the raw argon2id verify rate (same concurrency, same core)
//   4. during a sign-in storm: the pages' req/s and the event-loop delay p99,
//      each ÷ the same without the storm
//
// The portal (and every baseline it is compared with) runs pinned to one core,
// the load generators to another. The portal gets a fresh SQLite file with the
// demo data under the OS temp folder, or with --postgres a fresh schema in
// DATABASE_URL. Everything it starts it also stops, and a hard deadline ends
// the run if something hangs.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = fileURLToPath(new URL('.', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = 1;
/** Before anything is measured: V8 compiles the hot code on threads of the same core for a few seconds. */
const FIRST_WARMUP_SECONDS = 4;
const PAGE_CONNECTIONS = 10;
const STORM_CONNECTIONS = 64;
const HARD_DEADLINE_MS = 180_000;
const SERVER_CORE = '0';
const LOAD_CORE = '1';
const DEMO = { rut: '76543210-3', email: 'admin@losaromos.cl', password: 'Demo-Portal-2026!' };
const PAGES = { services: '/servicios', help: '/ayuda/contabilidad/cierre-mensual' } as const;

const usePostgres = process.argv.includes('--postgres');
const canPin = cpus().length >= 2 && hasTaskset();
const hashConcurrency = Number(process.env.PASSWORD_HASH_CONCURRENCY ?? Math.max(1, cpus().length - 1));

// ---------------------------------------------------------------- children

const children = new Set<ChildProcess>();
const coreOf = new Map<ChildProcess, string>();
let tempDir: string | undefined;

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A node process with an IPC channel, pinned to `core` when the machine allows it. */
function spawnNode(core: string, args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
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

/** Children that take orders over IPC say when they listen; an order sent earlier could be lost. */
function ready(child: ChildProcess, timeoutMs = 30_000): Promise<ChildProcess> {
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

const outputOf = (child: ChildProcess) => (child as ChildProcess & { tail?: () => string }).tail?.() ?? '';

function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping\n`);
    process.exit(130);
  });
}
setTimeout(() => {
  process.stderr.write(`bench: still running after ${HARD_DEADLINE_MS / 1000} s, giving up\n`);
  process.exit(1);
}, HARD_DEADLINE_MS).unref();

let nextId = 1;
/** Send `msg` with a fresh id and wait for the child's answer carrying that id. */
function ask<T>(child: ChildProcess, msg: Record<string, unknown>, timeoutMs = 60_000): Promise<T> {
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- load

interface LoadResult {
  seconds: number;
  total: number;
  perSecond: number;
  byStatus: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p99: number; max: number };
  bytesPerRequest: number;
}

interface ServerStats {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  samples: number;
  cpuPct: number;
  mainCpuPct: number;
  wallMs: number;
}

type LoadOpts = Record<string, unknown>;

async function load(gen: ChildProcess, opts: LoadOpts): Promise<LoadResult> {
  const m = await ask<{ result?: LoadResult; error?: string }>(gen, { load: 'run', opts }, (Number(opts.duration ?? 10) + 30) * 1000);
  if (!m.result) throw new Error(`load generator: ${m.error}`);
  return m.result;
}

// ---------------------------------------------------------------- interference

/**
 * CPU ticks per core (from /proc/stat) and per process of ours (from
 * /proc/PID/stat, all threads). The difference over a measurement is what
 * other programs on the machine took from each core: a test suite running
 * beside the bench makes every figure meaningless, and the report says so.
 */
interface CpuSnapshot {
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

function cpuSnapshot(): CpuSnapshot {
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
function othersPct(a: CpuSnapshot, b: CpuSnapshot, oursExtra: Record<string, number> = {}): Record<string, number> {
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

const NOISY_PCT = 10;
const QUIET_WAIT_MS = 20_000;

/** Give other programs (a test suite, a browser) a little time to finish before measuring. */
async function waitForQuiet(log: (s: string) => void): Promise<void> {
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

interface Measurement {
  load: LoadResult;
  server: ServerStats;
  othersPct: Record<string, number>;
  /** Server CPU time (all its threads) per answered request. */
  cpuUsPerRequest: number;
}

async function measureWindow(gen: ChildProcess, server: ChildProcess, opts: LoadOpts, seconds: number): Promise<Measurement> {
  await ask(server, { bench: 'reset' });
  const before = cpuSnapshot();
  const result = await load(gen, { ...opts, duration: seconds });
  const after = cpuSnapshot();
  const stats = await ask<ServerStats>(server, { bench: 'read' });
  const cpuUsPerRequest = result.total > 0 ? Math.round(((stats.cpuPct / 100) * stats.wallMs * 1000) / result.total) : 0;
  return { load: result, server: stats, othersPct: othersPct(before, after), cpuUsPerRequest };
}

/** Load for SECONDS after a warm-up, with the server's meters reset at the start and read at the end. */
async function measure(gen: ChildProcess, server: ChildProcess, opts: LoadOpts): Promise<Measurement> {
  await load(gen, { ...opts, duration: WARMUP_SECONDS });
  return measureWindow(gen, server, opts, SECONDS);
}

/**
 * Several targets measured in turns of one second, SECONDS turns each, and
 * the turns added up: on a machine whose speed drifts (a shared VM, another
 * program starting), each target sees the same conditions, so the ratio
 * between them holds even when the absolute figures move.
 */
async function measureInTurns(gen: ChildProcess, targets: Array<{ server: ChildProcess; opts: LoadOpts }>): Promise<Measurement[]> {
  for (const t of targets) await load(gen, { ...t.opts, duration: WARMUP_SECONDS });
  const turns: Measurement[][] = targets.map(() => []);
  for (let i = 0; i < SECONDS; i++) {
    for (const [k, t] of targets.entries()) turns[k]!.push(await measureWindow(gen, t.server, t.opts, 1));
  }
  return turns.map(addUp);
}

function addUp(ms: Measurement[]): Measurement {
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
    },
    othersPct,
    cpuUsPerRequest: total > 0 ? Math.round((cpuMs * 1000) / total) : 0,
  };
}

/** After a storm the hasher still works through its queue: wait until the portal is idle again. */
async function drained(server: ChildProcess, maxMs = 20_000): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    await ask(server, { bench: 'reset' });
    await sleep(500);
    if ((await ask<ServerStats>(server, { bench: 'read' })).cpuPct < 10) return;
  }
}

/** Successful answers per second: `status` only, anything else is reported apart. */
function okPerSecond(r: LoadResult, status: string): number {
  return (r.byStatus[status] ?? 0) / r.seconds;
}

// ---------------------------------------------------------------- portal

function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    out[pair!.slice(0, eq)] = pair!.slice(eq + 1);
  }
  return out;
}

async function waitHealthy(base: string, server: ChildProcess): Promise<void> {
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

async function prepareDatabase(dir: string): Promise<{ url: string; adminHash(): Promise<string>; drop(): Promise<void> }> {
  if (!usePostgres) {
    const file = join(dir, 'portal.sqlite');
    return {
      url: file,
      async adminHash() {
        const db = new SQLite(file, { readonly: true });
        try {
          const row = db.prepare('select password_hash from users where email = ?').get(DEMO.email) as { password_hash: string } | undefined;
          if (!row) throw new Error('demo administrator not found in the bench database');
          return row.password_hash;
        } finally {
          db.close();
        }
      },
      async drop() {},
    };
  }
  const base = process.env.DATABASE_URL ?? '';
  if (!/^postgres(ql)?:\/\//.test(base)) throw new Error('--postgres needs DATABASE_URL=postgres://…');
  // A schema of its own, so the demo data is fresh and nothing else is touched.
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async adminHash() {
      const r = await admin.query(`select password_hash from ${schema}.users where email = $1`, [DEMO.email]);
      if (!r.rows[0]) throw new Error('demo administrator not found in the bench schema');
      return r.rows[0].password_hash as string;
    },
    async drop() {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

// ---------------------------------------------------------------- report

interface Row {
  name: string;
  /** The most any other program took of either core during the measurements behind this figure. */
  noisePct: number;
  value: number;
  unit: 'ratio' | 'ms';
  target: { op: '>=' | '<='; value: number } | null;
  detail: string;
}

const noiseOf = (...ms: Array<{ othersPct: Record<string, number> }>) => Math.max(0, ...ms.flatMap((m) => Object.values(m.othersPct)));

const pass = (r: Row) => (r.target === null ? 'INFO' : (r.target.op === '>=' ? r.value >= r.target.value : r.value <= r.target.value) ? 'PASS' : 'FAIL');
const fmt = (r: Row) => (r.unit === 'ms' ? `${r.value.toFixed(2)} ms` : r.value.toFixed(3));

function table(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.name,
    fmt(r),
    r.target ? `${r.target.op} ${r.target.value}${r.unit === 'ms' ? ' ms' : ''}` : '—',
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
        ...(usePostgres ? ['    With --postgres the database server is one of those programs: its work for the portal counts as other load.'] : []),
      ]
    : [];
  return [line(head), rule, ...cells.map(line), '', ...details, ...noisy].join('\n');
}

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  if (canPin) {
    // The bench itself only orchestrates; keep it off the portal's core too.
    execFileSync('taskset', ['-a', '-p', '-c', LOAD_CORE, String(process.pid)], { stdio: 'ignore' });
  } else {
    process.stderr.write('bench: fewer than 2 cores or no taskset: nothing is pinned, the figures mean less\n');
  }
  await waitForQuiet(log);
  tempDir = mkdtempSync(join(tmpdir(), 'mi-portal-bench-'));
  const database = await prepareDatabase(tempDir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;

  log(`portal on core ${canPin ? SERVER_CORE : '*'}, load on core ${canPin ? LOAD_CORE : '*'}, ${usePostgres ? 'PostgreSQL' : 'SQLite'}, hash concurrency ${hashConcurrency}, ${SECONDS} s per measurement`);
  const portal = spawnNode(SERVER_CORE, ['--import', 'tsx', '--import', join(BENCH, 'el-monitor.mjs'), 'src/server.ts'], {
    ...process.env,
    NODE_ENV: 'development',
    DEMO_DATA: 'true',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: base,
    SMTP_URL: '',
    PASSWORD_HASH_CONCURRENCY: String(hashConcurrency),
  });
  try {
    await waitHealthy(base, portal);

    // Sign in once as the demo administrator; the CSRF cookie is one a browser would hold.
    const csrf = randomBytes(32).toString('base64url');
    const signInBody = new URLSearchParams({ _csrf: csrf, rut: DEMO.rut, email: DEMO.email, password: DEMO.password }).toString();
    const signInHeaders = { cookie: `csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' };
    const signedIn = await fetch(`${base}/ingresar`, { method: 'POST', headers: signInHeaders, body: signInBody, redirect: 'manual' });
    const sid = cookiesOf(signedIn).sid;
    if (signedIn.status !== 303 || !sid) throw new Error(`demo sign-in failed: ${signedIn.status}`);
    const cookie = `sid=${sid}; csrf=${csrf}`;

    // "The same bytes": the raw server replays the portal's whole answer, headers
    // included (security headers, cache-control, request id), not just the body.
    const NODE_ADDS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
    const captured: Record<string, { headers: Array<[string, string]>; body: Buffer }> = {};
    for (const path of Object.values(PAGES)) {
      const res = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      // A steady-state request sets no cookie; if one did, every request would pay for it.
      if (res.headers.getSetCookie().length > 0) throw new Error(`${path} set a cookie: ${res.headers.getSetCookie().join('; ')}`);
      captured[path] = { headers: [...res.headers].filter(([k]) => !NODE_ADDS.has(k)), body: Buffer.from(await res.arrayBuffer()) };
    }

    const raw = await ready(spawnNode(SERVER_CORE, ['--import', join(BENCH, 'el-monitor.mjs'), join(BENCH, 'raw-server.mjs')]));
    const routes = Object.fromEntries(Object.entries(captured).map(([p, v]) => [p, { headers: v.headers, base64: v.body.toString('base64') }]));
    const rawBase = `http://127.0.0.1:${(await ask<{ port: number }>(raw, { raw: 'routes', routes })).port}`;
    const gen = await ready(spawnNode(LOAD_CORE, [join(BENCH, 'load.mjs')]));
    const stormGen = await ready(spawnNode(LOAD_CORE, [join(BENCH, 'load.mjs')]));

    log(`warming up the portal for ${FIRST_WARMUP_SECONDS} s`);
    const mixed = { url: base, connections: PAGE_CONNECTIONS, headers: { cookie }, requests: Object.values(PAGES).map((path) => ({ path })) };
    await load(gen, { ...mixed, duration: FIRST_WARMUP_SECONDS });

    // 1 and 2: each page against its raw twin, in turns.
    const pageRuns: Record<string, { portal: Measurement; raw: Measurement }> = {};
    for (const [name, path] of Object.entries(PAGES)) {
      log(`${name} page: portal and raw node:http, in turns`);
      const [p, r] = await measureInTurns(gen, [
        { server: portal, opts: { url: `${base}${path}`, connections: PAGE_CONNECTIONS, headers: { cookie } } },
        { server: raw, opts: { url: `${rawBase}${path}`, connections: PAGE_CONNECTIONS } },
      ]);
      pageRuns[name] = { portal: p!, raw: r! };
    }
    raw.kill('SIGTERM');
    await new Promise((r) => (raw.exitCode !== null ? r(null) : raw.once('exit', r)));

    // 3: raw verify rate on the portal's core, the portal idle meanwhile.
    log(`argon2id: raw verify rate at concurrency ${hashConcurrency}, then sign-in throughput`);
    const hash = await database.adminHash();
    const argonBefore = cpuSnapshot();
    const argon = spawnNode(SERVER_CORE, [join(BENCH, 'argon2-raw.mjs'), hash, DEMO.password, String(hashConcurrency), String(SECONDS)]);
    const argonOut = await new Promise<string>((resolve, reject) => {
      let out = '';
      argon.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      argon.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`argon2-raw exited ${code}: ${outputOf(argon)}`))));
    });
    const rawVerify = JSON.parse(argonOut.trim().split('\n').at(-1)!) as { perSecond: number; verifies: number; wrong: number; cpuMs: number };
    // The argon2 process has exited by now: it told us its own CPU time.
    const argonOthers = othersPct(argonBefore, cpuSnapshot(), { [SERVER_CORE]: rawVerify.cpuMs / 10 });
    if (rawVerify.wrong > 0) throw new Error('argon2-raw: the demo password did not verify');

    // Enough connections that a hash lane never waits for the next request to arrive.
    const signInOpts = { url: `${base}/ingresar`, method: 'POST', headers: signInHeaders, body: signInBody, connections: hashConcurrency * 2 + 1, timeout: 60 };
    const signIn = await measure(gen, portal, signInOpts);
    const signInsPerSecond = okPerSecond(signIn.load, '303');

    // 4: the two pages, mixed, without and then with a storm of sign-ins.
    // Twice each: flat out (throughput; the loop then always has a batch of
    // requests to get through, so its delay is mostly that queue) and at half
    // that rate (the loop has slack, so its delay shows what blocks it).
    log('pages without, then during a sign-in storm: flat out and at half rate');
    const calmBefore = await measure(gen, portal, mixed);
    const halfRate = Math.max(1, Math.round(okPerSecond(calmBefore.load, '200') / 2));
    const halfLoad = { ...mixed, overallRate: halfRate };
    const calmHalf = await measure(gen, portal, halfLoad);
    const stormId = nextId++;
    const stormDone = new Promise<{ result?: LoadResult; error?: string }>((resolve) => {
      const on = (m: { id?: number }) => {
        if (m?.id !== stormId) return;
        stormGen.off('message', on);
        resolve(m as { result?: LoadResult; error?: string });
      };
      stormGen.on('message', on);
    });
    stormGen.send({
      load: 'run',
      id: stormId,
      opts: { ...signInOpts, connections: STORM_CONNECTIONS, duration: 2 * (SECONDS + WARMUP_SECONDS) + 10 },
    });
    await sleep(1000); // let the queue in front of the hasher fill up
    const storm = await measure(gen, portal, mixed);
    const stormHalf = await measure(gen, portal, halfLoad);
    stormGen.send({ load: 'stop', id: stormId });
    const stormResult = (await stormDone).result;
    // Without the storm once more, after it: the figure without is the mean of
    // before and after, so a machine that got slower or faster meanwhile does
    // not pass for the storm's doing.
    await drained(portal);
    const calmAfter = await measure(gen, portal, mixed);
    const calm = addUp([calmBefore, calmAfter]);

    // ------------------------------------------------------------ figures
    const pageRow = (name: string, label: string, target: Row['target']): Row => {
      const { portal: p, raw: r } = pageRuns[name]!;
      const portalRps = okPerSecond(p.load, '200');
      const rawRps = okPerSecond(r.load, '200');
      return {
        name: label,
        noisePct: noiseOf(p, r),
        value: portalRps / rawRps,
        unit: 'ratio',
        target,
        detail:
          `portal ${n(portalRps)} req/s (server CPU ${p.server.cpuPct}%, main thread ${p.server.mainCpuPct}%, ${n(p.cpuUsPerRequest)} µs CPU/request, p99 latency ${p.load.latencyMs.p99} ms), ` +
          `raw ${n(rawRps)} req/s (server CPU ${r.server.cpuPct}%, ${n(r.cpuUsPerRequest)} µs CPU/request); ` +
          `by CPU per request ${(r.cpuUsPerRequest / p.cpuUsPerRequest).toFixed(3)}; ${captured[PAGES[name as keyof typeof PAGES]]!.body.length} body bytes, ${PAGE_CONNECTIONS} connections` +
          nonOk(p.load, '200') + nonOk(r.load, '200'),
      };
    };
    const calmRps = okPerSecond(calm.load, '200');
    const stormRps = okPerSecond(storm.load, '200');
    const rows: Row[] = [
      pageRow('services', 'services page ÷ raw node:http', { op: '>=', value: 0.6 }),
      pageRow('help', 'help article page ÷ raw node:http', { op: '>=', value: 0.6 }),
      {
        name: 'sign-in throughput ÷ raw argon2id verify',
        noisePct: noiseOf(signIn, { othersPct: argonOthers }),
        value: signInsPerSecond / rawVerify.perSecond,
        unit: 'ratio',
        target: null,
        detail:
          `portal ${n(signInsPerSecond, 1)} sign-ins/s (${signInOpts.connections} connections, server CPU ${signIn.server.cpuPct}%, main thread ${signIn.server.mainCpuPct}%), ` +
          `raw verify ${n(rawVerify.perSecond, 1)}/s at concurrency ${hashConcurrency}` + nonOk(signIn.load, '303'),
      },
      {
        name: 'pages req/s during storm ÷ without',
        noisePct: noiseOf(calm, storm),
        value: stormRps / calmRps,
        unit: 'ratio',
        target: { op: '>=', value: 0.8 },
        detail:
          `${n(stormRps)} vs ${n(calmRps)} req/s (without: ${n(okPerSecond(calmBefore.load, '200'))} before, ${n(okPerSecond(calmAfter.load, '200'))} after; services + help article, ${PAGE_CONNECTIONS} connections); ` +
          `storm of ${STORM_CONNECTIONS} connections: ${stormResult ? `${n(okPerSecond(stormResult, '303'), 1)} sign-ins/s completed` : 'no result'}` +
          nonOk(calm.load, '200') + nonOk(storm.load, '200'),
      },
      {
        name: 'event-loop p99 in storm, pages flat out',
        noisePct: noiseOf(storm),
        value: storm.server.p99Ms,
        unit: 'ms',
        target: { op: '<=', value: 10 },
        detail: elDetail(storm.server),
      },
      {
        name: 'event-loop p99 in storm, pages at half rate',
        noisePct: noiseOf(stormHalf),
        value: stormHalf.server.p99Ms,
        unit: 'ms',
        target: { op: '<=', value: 10 },
        detail:
          `${n(okPerSecond(stormHalf.load, '200'))} of ${n(halfRate)} req/s asked, p99 latency ${stormHalf.load.latencyMs.p99} ms; ` + elDetail(stormHalf.server) + nonOk(stormHalf.load, '200'),
      },
      {
        name: 'event-loop p99 in storm ÷ without, flat out',
        noisePct: noiseOf(calmBefore, storm),
        value: storm.server.p99Ms / calmBefore.server.p99Ms,
        unit: 'ratio',
        target: null,
        detail: `${storm.server.p99Ms} ms vs ${calmBefore.server.p99Ms} ms; without: ${elDetail(calmBefore.server)}`,
      },
      {
        name: 'event-loop p99 in storm ÷ without, half rate',
        noisePct: noiseOf(calmHalf, stormHalf),
        value: stormHalf.server.p99Ms / calmHalf.server.p99Ms,
        unit: 'ratio',
        target: null,
        detail: `${stormHalf.server.p99Ms} ms vs ${calmHalf.server.p99Ms} ms; without: ${elDetail(calmHalf.server)}`,
      },
    ];

    process.stdout.write(`\nMi Portal bench — ${usePostgres ? 'PostgreSQL' : 'SQLite'}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'})\n\n`);
    process.stdout.write(`${table(rows)}\n\n`);

    const results = {
      at: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model ?? null,
      cores: cpus().length,
      pinned: canPin ? { portal: SERVER_CORE, load: LOAD_CORE } : null,
      database: usePostgres ? 'postgres' : 'sqlite',
      secondsPerMeasurement: SECONDS,
      pageConnections: PAGE_CONNECTIONS,
      stormConnections: STORM_CONNECTIONS,
      hashConcurrency,
      figures: rows.map((r) => ({ name: r.name, value: r.value, unit: r.unit, target: r.target, result: pass(r), detail: r.detail })),
      raw: { pages: pageRuns, rawVerify, signIn, calmBefore, calmAfter, calmHalf, storm, stormHalf, halfRate, stormLoad: stormResult ?? null, bodyBytes: Object.fromEntries(Object.entries(captured).map(([p, v]) => [p, v.body.length])) },
    };
    writeFileSync(join(BENCH, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write('Written to bench/results.json\n');
    process.exitCode = rows.some((r) => pass(r) === 'FAIL') ? 1 : 0;
  } finally {
    portal.kill('SIGTERM');
    await Promise.race([new Promise((r) => portal.once('exit', r)), sleep(3000)]);
    await database.drop().catch((err) => process.stderr.write(`bench: could not drop the bench schema: ${err}\n`));
  }
}

function elDetail(s: ServerStats): string {
  return `event-loop delay p50 ${s.p50Ms} ms, max ${s.maxMs} ms (${s.samples} samples); server CPU ${s.cpuPct}%, main thread ${s.mainCpuPct}%`;
}

function nonOk(r: LoadResult, ok: string): string {
  const other = Object.entries(r.byStatus).filter(([code]) => code !== ok);
  const parts = other.map(([code, count]) => `${count}×${code}`);
  if (r.errors > 0) parts.push(`${r.errors} errors`);
  return parts.length > 0 ? ` [unexpected: ${parts.join(', ')}]` : '';
}

main().then(
  () => process.exit(),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
