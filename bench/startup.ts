// `npm run bench -- --only startup` (and part of the default run): what a
// portal process costs before and after decision 0025, side by side in one
// run: `tsx src/server.ts` (what `npm start` ran before) against the built
// server `node --enable-source-maps dist/server.js` (what it runs now).
//
// For each, on one SQLite file that already has its schema and the demo data
// (an existing database, as after the first start):
//   cold start: from spawn to the first 200 of GET /ingresar, polled every 5 ms
//     (wall clock, the median of RUNS starts; the CPU the process tree had used
//     by then is in the details, less sensitive to a busy machine)
//   idle RSS: VmRSS of the process tree (/proc/<pid>/status: tsx runs the
//     server in a second node process) IDLE_MS after that first page, with no
//     request meanwhile; the median of the runs
// and the time `npm run build` takes (prestart runs it before every start).
// Starts alternate between the two, after one discarded start each (tsx fills
// its transform cache, the OS its file cache).
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cpuSnapshot,
  freePort,
  log,
  n,
  noiseOf,
  onCleanup,
  othersPct,
  outputOf,
  pass,
  ROOT,
  SERVER_CORE,
  sleep,
  spawnNode,
  stop,
  table,
  waitForQuiet,
  type Row,
} from './harness.ts';

const RUNS = 3;
const IDLE_MS = 3_000;
const START_TIMEOUT_MS = 60_000;
const TARGET_RSS_MB = 120;
const TARGET_START_MS = 500;
const TARGET_BUILD_MS = 2_000;

/** What each way of starting the portal runs, in node arguments. */
const VARIANTS = {
  tsx: { label: 'tsx src/server.ts', args: [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/server.ts'] },
  built: { label: 'node dist/server.js', args: ['--enable-source-maps', 'dist/server.js'] },
} as const;
type Variant = keyof typeof VARIANTS;

export function startupDeadlineMs(): number {
  return 60_000 + 2 * (RUNS + 1) * (IDLE_MS + 20_000);
}

/** The process and every process below it (tsx's CLI runs the server as its child). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

interface Start {
  startMs: number;
  /** User + system CPU of the process tree at the first page (ms; 10 ms ticks). */
  cpuMs: number;
  rssMb: number;
  /** The server process alone (the deepest of the tree), for tsx's two processes. */
  serverRssMb: number;
  othersPct: Record<string, number>;
}

function portalEnv(database: string, port: number, demoData: boolean): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'development',
    DEMO_DATA: demoData ? 'true' : 'false',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SMTP_URL: '',
  };
}

async function firstPage(child: ChildProcess, base: string): Promise<void> {
  const until = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the portal exited (${child.exitCode}) before its first page:\n${outputOf(child)}`);
    if (performance.now() > until) throw new Error(`no page in ${START_TIMEOUT_MS / 1000} s:\n${outputOf(child)}`);
    try {
      const res = await fetch(`${base}/ingresar`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
}

async function startOnce(variant: Variant, database: string): Promise<Start> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const before = cpuSnapshot();
  const spawned = performance.now();
  const child = spawnNode(SERVER_CORE, [...VARIANTS[variant].args], portalEnv(database, port, false));
  onCleanup(() => stop(child));
  try {
    await firstPage(child, base);
    const startMs = performance.now() - spawned;
    // taskset execs node in place: the child's pid is the portal's (or tsx's CLI).
    const tree = processTree(child.pid!);
    const cpuMs = tree.reduce((sum, pid) => sum + cpuTicks(pid), 0) * 10;
    await sleep(IDLE_MS);
    const idleTree = processTree(child.pid!);
    const rss = idleTree.reduce((sum, pid) => sum + rssMb(pid), 0);
    // The processes below ours are ours too: their ticks are not other programs' load.
    const below = idleTree.slice(1).reduce((sum, pid) => sum + cpuTicks(pid), 0);
    const others = othersPct(before, cpuSnapshot(), { [SERVER_CORE]: below });
    return { startMs, cpuMs, rssMb: rss, serverRssMb: rssMb(idleTree.at(-1)!), othersPct: others };
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Both ways of starting, side by side; returns whether the built server met both targets. */
export async function startupBench(): Promise<boolean> {
  await waitForQuiet();
  const tempDir = mkdtempSync(join(tmpdir(), 'mi-portal-startup-'));
  onCleanup(() => rmSync(tempDir, { recursive: true, force: true }));
  const database = join(tempDir, 'portal.sqlite');

  log('startup: npm run build');
  const buildBefore = cpuSnapshot();
  const buildStarted = performance.now();
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-server.js')], { cwd: ROOT, stdio: 'pipe' });
  const buildMs = performance.now() - buildStarted;
  // esbuild's own process is not one the harness knows: its CPU shows as other load here, an overstatement.
  const buildOthers = othersPct(buildBefore, cpuSnapshot());

  // The existing database: schema and demo data, written by a first start.
  log('startup: a first start writes the schema and the demo data');
  const port = await freePort();
  const first = spawnNode(SERVER_CORE, [...VARIANTS.built.args], portalEnv(database, port, true));
  onCleanup(() => stop(first));
  await firstPage(first, `http://127.0.0.1:${port}`);
  await stop(first);

  const starts: Record<Variant, Start[]> = { tsx: [], built: [] };
  for (let run = 0; run <= RUNS; run++) {
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      const s = await startOnce(variant, database);
      log(`startup: ${VARIANTS[variant].label}${run === 0 ? ' (discarded)' : ''}: first page ${n(s.startMs)} ms (${n(s.cpuMs)} ms CPU), idle RSS ${n(s.rssMb, 1)} MB`);
      if (run > 0) starts[variant].push(s);
    }
  }

  const summary = (v: Variant) => {
    const s = starts[v];
    return {
      startMs: median(s.map((x) => x.startMs)),
      cpuMs: median(s.map((x) => x.cpuMs)),
      rssMb: median(s.map((x) => x.rssMb)),
      serverRssMb: median(s.map((x) => x.serverRssMb)),
      noise: noiseOf(...s),
      each: s.map((x) => `${n(x.startMs)} ms/${n(x.cpuMs)} ms CPU/${n(x.rssMb, 1)} MB`).join(', '),
    };
  };
  const tsx = summary('tsx');
  const built = summary('built');
  const detail = (v: Variant, s: ReturnType<typeof summary>) =>
    `${VARIANTS[v].label}: median of ${RUNS} starts on an existing SQLite database; ${n(s.cpuMs)} ms CPU by the first page; ` +
    `server process alone ${n(s.serverRssMb, 1)} MB; each start: ${s.each}`;
  const rows: Row[] = [
    { name: 'cold start to first page, built server', noisePct: built.noise, value: built.startMs, unit: 'ms', target: { op: '<=', value: TARGET_START_MS }, detail: detail('built', built) },
    { name: 'cold start to first page, tsx', noisePct: tsx.noise, value: tsx.startMs, unit: 'ms', target: null, detail: detail('tsx', tsx) },
    { name: 'idle RSS (MB), built server', noisePct: built.noise, value: built.rssMb, unit: 'count', target: { op: '<=', value: TARGET_RSS_MB }, detail: `VmRSS ${IDLE_MS / 1000} s after the first page, no requests meanwhile` },
    { name: 'idle RSS (MB), tsx', noisePct: tsx.noise, value: tsx.rssMb, unit: 'count', target: null, detail: `VmRSS of tsx's CLI and the server process it starts, ${IDLE_MS / 1000} s after the first page` },
    {
      name: 'npm run build',
      noisePct: noiseOf({ othersPct: buildOthers }),
      value: buildMs,
      unit: 'ms',
      target: { op: '<=', value: TARGET_BUILD_MS },
      detail: 'esbuild, src/server.ts into dist/server.js (+ map, + the hashing thread); wall clock; its "other load" counts esbuild\'s own threads too',
    },
  ];
  process.stdout.write(`\nMi Portal startup — ${VARIANTS.tsx.label} vs ${VARIANTS.built.label}, Node ${process.version}\n\n${table(rows)}\n\n`);
  return !rows.some((r) => pass(r) === 'FAIL');
}
