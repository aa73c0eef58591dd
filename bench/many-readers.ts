// The many-readers section of `npm run bench` (issue 10): realistic traffic
// instead of one person reloading one page.
//
// 1,000 signed-in sessions (the administrator and four technical users of
// each of 200 customers; about 30 % of the technical users limited to part of
// their customer's help) read 500 generated articles in the six systems, with
// a Zipf-like popularity (many-readers-load.ts says why 0.8), plus the
// services page and searches. For each page kind and for the mix: req/s,
// latency p50/p99, the portal's CPU time per request (its process's
// process.cpuUsage, all threads, reported by bench/el-monitor.mjs), and the
// same requests against a raw node:http server sending the bytes the portal
// sent for each path (bench/raw-server.mjs), on the same core, in one run.
// Then the cache hit rate (/metrics' portal_cache_requests_total, when the
// portal has it) and the event-loop p99 at 80 % of the measured mixed rate.
//
// Databases: SQLite (one portal), and with --postgres or a postgres://
// DATABASE_URL also two portal instances on a fresh schema of that database,
// each a real process running what `npm start` runs (dist/server.js, built
// at the start of the section, on plain node), wrk's two threads one on each. The portal(s) and the raw server run in turn on core 0, the
// load on core 1; PostgreSQL itself is not pinned, so its work shows as
// "other load".
//
// Load: wrk with bench/many-readers.lua over a precomputed request list (why
// wrk: see that file), 10 connections (the issue's pool). The constant-rate
// run for the event-loop figure uses bench/many-readers-paced.mjs, an
// open-loop client (wrk has no rate option, and autocannon's overallRate
// sends each second's quota in a burst: that file says more).
//
// Sessions and users are written straight into the database before the
// portal starts, through the portal's own operations (many-readers-seed.ts
// says why and how).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import {
  ask,
  BENCH,
  buildServer,
  canPin,
  capturePage,
  isFinishing,
  cpuSnapshot,
  LOAD_CORE,
  log,
  n,
  noiseOf,
  onCleanup,
  othersPct,
  pass,
  prepareDatabase,
  SERVER_CORE,
  sleep,
  ready,
  spawnNode,
  startPortal,
  startRawServer,
  stop,
  table,
  waitForQuiet,
  type CapturedPage,
  type Row,
  type ServerStats,
} from './harness.ts';
import { buildQuerySet, generateCorpus, toHelpTree } from './help-corpus.ts';
import { buildRequestLists, ensureWrk, ListCursor, runWrk, settle, writeRequestFile, ZIPF_EXPONENT, type BenchRequest, type PageKind, type WrkResult } from './many-readers-load.ts';
import { CUSTOMERS, seedReaders, TECHNICAL_PER_CUSTOMER } from './many-readers-seed.ts';

const ARTICLES = 500;
const QUERIES = 100;
const CONNECTIONS = 10;
/**
 * Requests in each precomputed list; the mix's first 1,000 are one per session. Runs go on
 * along a list; one that comes round to its start again is reported.
 */
const LIST_SIZE = 100_000;
const PORTAL_SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
/** The raw server's figures hardly move between runs: half the time is enough. */
const RAW_SECONDS = Math.max(2, Math.round(PORTAL_SECONDS / 2));
const WARMUP_SECONDS = 5;
const EL_SECONDS = Math.max(5, PORTAL_SECONDS);
const EL_LOAD_SHARE = 0.8;
/** The paced run goes this long before the event-loop meters are reset: connections open, the first requests queue. */
const EL_LEAD_SECONDS = 1.5;

interface PacedResult {
  due: number;
  sent: number;
  answered: number;
  byStatus: Record<string, number>;
  errors: number;
  seconds: number;
  latencyMs: { p50: number; p99: number; max: number };
}
const KINDS: PageKind[] = ['mixed', 'article', 'services', 'search'];
const KIND_LABEL: Record<PageKind, string> = { mixed: 'mix (75/15/10)', article: 'help article', services: 'services', search: 'search' };

/** Each database: waiting for a quiet machine (≤ 20 s), seeding (~5–15 s), checks and captures, 4 kinds × portal and raw, the event-loop run: 2–4 minutes on a busy machine; generous. */
export function readersDeadlineMs(withPostgres: boolean): number {
  return 60_000 + (withPostgres ? 2 : 1) * 360_000;
}

interface ServerSide {
  load: WrkResult;
  /** CPU time of every server process measured (both instances on PostgreSQL), ms. */
  cpuMs: number;
  cpuUsPerRequest: number;
  server: ServerStats[];
  othersPct: Record<string, number>;
}

interface CacheCounts {
  [cache: string]: { hit: number; miss: number };
}

interface DatabaseResult {
  dialect: 'sqlite' | 'postgres';
  instances: number;
  sessions: number;
  seedMs: number;
  bodyBytes: Record<Exclude<PageKind, 'mixed'>, number>;
  kinds: Record<PageKind, { portal: ServerSide; raw: ServerSide }>;
  cache: { byCache: CacheCounts; hitRate: number } | null;
  /** Lists that came round to their start: some (session, page) pairs were sent twice. */
  wrapped: PageKind[];
  eventLoop: {
    askedPerSecond: number;
    gotPerSecond: number;
    p99Ms: number;
    p50Ms: number;
    maxMs: number;
    nonOk: string;
    othersPct: Record<string, number>;
    /** The paced client's latencies, from when each request was due. */
    latencyMs: { p50: number; p99: number; max: number };
  };
}

// ---------------------------------------------------------------- measuring

/** One wrk run against `servers`, their meters reset at the start and read at the end. */
async function measureServers(servers: ChildProcess[], targets: string[], file: string, seconds: number, cursor?: ListCursor): Promise<ServerSide> {
  await settle();
  for (const s of servers) await ask(s, { bench: 'reset' });
  const before = cpuSnapshot();
  const load = await runWrk({ targets, file, seconds, connections: CONNECTIONS, start: cursor?.next ?? 0 });
  cursor?.advance(load.requests, targets.length);
  const after = cpuSnapshot();
  const server = await Promise.all(servers.map((s) => ask<ServerStats>(s, { bench: 'read' })));
  const cpuMs = server.reduce((sum, s) => sum + (s.cpuPct / 100) * s.wallMs, 0);
  return { load, cpuMs, cpuUsPerRequest: load.requests > 0 ? Math.round((cpuMs * 1000) / load.requests) : 0, server, othersPct: othersPct(before, after) };
}

/** portal_cache_requests_total by cache and result, summed over the instances; null when no instance serves the metric. */
async function cacheCounts(bases: string[], token: string): Promise<CacheCounts | null> {
  const out: CacheCounts = {};
  let seen = false;
  for (const base of bases) {
    let text: string;
    try {
      const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) continue;
      text = await res.text();
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const m = /^portal_cache_requests_total\{([^}]*)\}\s+([0-9.eE+-]+)/.exec(line);
      if (!m) continue;
      const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
      const cache = labels.cache ?? '?';
      const result = labels.result === 'hit' ? 'hit' : labels.result === 'miss' ? 'miss' : null;
      if (!result) continue;
      seen = true;
      out[cache] ??= { hit: 0, miss: 0 };
      out[cache][result] += Number(m[2]);
    }
  }
  return seen ? out : null;
}

function cacheDelta(a: CacheCounts | null, b: CacheCounts | null): { byCache: CacheCounts; hitRate: number } | null {
  if (!a || !b) return null;
  const byCache: CacheCounts = {};
  let hit = 0;
  let miss = 0;
  for (const [cache, v] of Object.entries(b)) {
    const d = { hit: v.hit - (a[cache]?.hit ?? 0), miss: v.miss - (a[cache]?.miss ?? 0) };
    byCache[cache] = d;
    hit += d.hit;
    miss += d.miss;
  }
  return { byCache, hitRate: hit + miss > 0 ? hit / (hit + miss) : NaN };
}

/** `fn` over `items`, `width` at a time. */
async function inParallel<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

// ---------------------------------------------------------------- one database

async function oneDatabase(dialect: 'sqlite' | 'postgres', entry: string, tree: ReturnType<typeof toHelpTree>, articles: Array<{ system: string; slug: string }>, queries: string[]): Promise<DatabaseResult> {
  await waitForQuiet();
  const tempDir = mkdtempSync(join(tmpdir(), 'mi-portal-readers-'));
  const cleanTemp = () => rmSync(tempDir, { recursive: true, force: true });
  // Also when the run is stopped (a signal, the deadline): finish() exits without running this function's finally.
  onCleanup(cleanTemp);
  const database = await prepareDatabase(tempDir, dialect === 'postgres');
  const portals: ChildProcess[] = [];
  const gens: ChildProcess[] = [];
  let raw: ChildProcess | undefined;
  try {
    const label = dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    log(`readers, ${label}: importing ${ARTICLES} articles and seeding the sessions`);
    const seeded = await seedReaders(database.url, tree);
    const lists = buildRequestLists(seeded.readers, articles, queries, LIST_SIZE);
    const files = Object.fromEntries(KINDS.map((k) => [k, writeRequestFile(join(tempDir, `${k}.txt`), lists[k])])) as Record<PageKind, string>;
    const cursors = Object.fromEntries(KINDS.map((k) => [k, new ListCursor(lists[k])])) as Record<PageKind, ListCursor>;
    // The check below sends the mix's first request of each session: the runs start after them.
    cursors.mixed.next = seeded.readers.length;
    log(`readers, ${label}: ${n(seeded.readers.length)} sessions of ${n(new Set(seeded.readers.map((r) => r.customer)).size)} customers (${seeded.readers.filter((r) => r.role === 'admin').length} administrators) in ${n(seeded.seedMs / 1000, 1)} s`);

    const metricsToken = randomBytes(32).toString('hex');
    const instances = dialect === 'postgres' ? 2 : 1;
    const bases: string[] = [];
    for (let i = 0; i < instances; i++) {
      const { portal, base } = await startPortal(database.url, { METRICS_TOKEN: metricsToken }, entry);
      portals.push(portal);
      bases.push(base);
    }
    const targets = bases.map((b) => new URL(b).host);

    // Every session's first request, on the instance it would meet first: a redirect (a session the portal does not take) or an error stops the bench.
    log(`readers, ${label}: checking every session's first request and capturing the pages for the raw server`);
    const firsts = lists.mixed.slice(0, seeded.readers.length);
    const refused: string[] = [];
    await inParallel(firsts, 8, async (q, i) => {
      const res = await fetch(`${bases[i % bases.length]}${q.path}`, { headers: { cookie: q.cookie }, redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 200) refused.push(`${q.path} → ${res.status}${res.headers.get('location') ? ` ${res.headers.get('location')}` : ''}`);
    });
    if (refused.length > 0) throw new Error(`${refused.length} of ${firsts.length} sessions were not served: ${refused.slice(0, 5).join('; ')}`);

    // The raw server answers each path with what the portal sent for it, to the capture session (customer 0 contracts every system,
    // so its services page is the largest; the bytes-per-answer column shows both sides).
    const paths = [...new Set(KINDS.flatMap((k) => lists[k].map((q) => q.path)))];
    const captured: Record<string, CapturedPage> = {};
    await inParallel(paths, 8, async (path) => {
      captured[path] = await capturePage(bases[0]!, path, seeded.captureReader.cookie);
    });
    const meanBody = (kind: Exclude<PageKind, 'mixed'>) => {
      const ps = [...new Set(lists[kind].map((q) => q.path))];
      return Math.round(ps.reduce((s, p) => s + captured[p]!.body.length, 0) / ps.length);
    };
    const bodyBytes = { article: meanBody('article'), services: meanBody('services'), search: meanBody('search') };
    const started = await startRawServer(captured);
    raw = started.raw;
    const rawTarget = new URL(started.rawBase).host;

    log(`readers, ${label}: warming up ${instances > 1 ? `${instances} instances` : 'the portal'} for ${WARMUP_SECONDS} s (mix)`);
    const warm = await runWrk({ targets, file: files.mixed, seconds: WARMUP_SECONDS, connections: CONNECTIONS, start: cursors.mixed.next });
    cursors.mixed.advance(warm.requests, targets.length);

    const kinds = {} as DatabaseResult['kinds'];
    let cache: DatabaseResult['cache'] = null;
    for (const kind of KINDS) {
      log(`readers, ${label}: ${KIND_LABEL[kind]}: portal ${PORTAL_SECONDS} s, raw node:http ${RAW_SECONDS} s`);
      const before = kind === 'mixed' ? await cacheCounts(bases, metricsToken) : null;
      const portal = await measureServers(portals, targets, files[kind], PORTAL_SECONDS, cursors[kind]);
      if (kind === 'mixed') cache = cacheDelta(before, await cacheCounts(bases, metricsToken));
      const rawSide = await measureServers([raw], [rawTarget], files[kind], RAW_SECONDS);
      kinds[kind] = { portal, raw: rawSide };
    }
    await stop(raw);

    // Event-loop delay at a constant 80 % of the measured mixed rate, split evenly over the instances.
    const asked = Math.max(1, Math.round(kinds.mixed.portal.load.perSecond * EL_LOAD_SHARE));
    log(`readers, ${label}: event-loop delay at ${n(asked)} req/s (${EL_LOAD_SHARE * 100} % of the mix's rate), ${EL_SECONDS} s`);
    // The mix's next requests, as many as the run sends, at a constant rate (many-readers-paced.mjs says why not autocannon), dealt out to the instances in turn.
    const elRunSeconds = EL_LEAD_SECONDS + EL_SECONDS + 0.5;
    const upcoming = cursors.mixed.take(Math.ceil(asked * elRunSeconds)).map((q: BenchRequest) => [q.path, q.cookie]);
    const paced = await ready(spawnNode(LOAD_CORE, [join(BENCH, 'many-readers-paced.mjs')]));
    gens.push(paced);
    // At most the flat-out runs' 10 connections (split over the instances): the max was measured with that pool, and with 64 the portal
    // answered far less than 80 % of it (one run on SQLite: 85 of 409 req/s, loop delay p50 323 ms), which is a finding about concurrency, not this figure.
    const maxSockets = Math.max(1, Math.round(CONNECTIONS / instances));
    const pacedRun = ask<{ result?: PacedResult; error?: string }>(paced, { paced: 'run', opts: { targets, requests: upcoming, rate: asked, seconds: elRunSeconds, maxSockets } }, (elRunSeconds + 60) * 1000);
    await sleep(EL_LEAD_SECONDS * 1000);
    for (const p of portals) await ask(p, { bench: 'reset' });
    const elBefore = cpuSnapshot();
    await sleep(EL_SECONDS * 1000);
    const elStats = await Promise.all(portals.map((p) => ask<ServerStats>(p, { bench: 'read' })));
    const elOthers = othersPct(elBefore, cpuSnapshot());
    const pacedAnswer = await pacedRun;
    if (!pacedAnswer.result) throw new Error(`paced load: ${pacedAnswer.error}`);
    const elLoad = pacedAnswer.result;
    const shortfall: string[] = [];
    const got = (elLoad.byStatus['200'] ?? 0) / elLoad.seconds;
    if (elLoad.answered < elLoad.due) shortfall.push(`${n(elLoad.due - elLoad.answered)} of ${n(elLoad.due)} unanswered 5 s after the last was due: the portal fell behind`);
    const nonOkParts = [...shortfall, ...Object.entries(elLoad.byStatus).filter(([c]) => c !== '200').map(([c, k]) => `${k}×${c}`), ...(elLoad.errors > 0 ? [`${elLoad.errors} errors`] : [])];
    const eventLoop = {
      askedPerSecond: asked,
      gotPerSecond: Math.round(got),
      p99Ms: Math.max(...elStats.map((s) => s.p99Ms)),
      p50Ms: Math.max(...elStats.map((s) => s.p50Ms)),
      maxMs: Math.max(...elStats.map((s) => s.maxMs)),
      nonOk: nonOkParts.join(', '),
      othersPct: elOthers,
      latencyMs: elLoad.latencyMs,
    };
    const wrapped = KINDS.filter((k) => cursors[k].wrapped);
    return { dialect, instances, sessions: seeded.readers.length, seedMs: seeded.seedMs, bodyBytes, kinds, cache, wrapped, eventLoop };
  } finally {
    for (const g of gens) await stop(g);
    if (raw) await stop(raw);
    for (const p of portals) await stop(p);
    await database.drop().catch((err) => log(`could not drop the bench schema: ${err}`));
    cleanTemp();
  }
}

// ---------------------------------------------------------------- report

const pad = (s: string, w: number, right = false) => (right ? s.padStart(w) : s.padEnd(w));

function kindTable(r: DatabaseResult): string {
  const head = ['page kind', 'req/s', 'p50 ms', 'p99 ms', 'µs CPU/req', 'raw req/s', 'raw µs CPU/req', 'wrk CPU on raw', '÷ raw (req/s)', '÷ raw (CPU)', 'bytes/answer', 'other load'];
  const rows = KINDS.map((k) => {
    const { portal: p, raw: w } = r.kinds[k];
    return [
      KIND_LABEL[k],
      n(p.load.perSecond),
      p.load.latencyMs.p50.toFixed(2),
      p.load.latencyMs.p99.toFixed(2),
      n(p.cpuUsPerRequest),
      n(w.load.perSecond),
      n(w.cpuUsPerRequest, 1),
      w.load.wrkCpuPct === null ? '?' : `${w.load.wrkCpuPct}%`,
      (p.load.perSecond / w.load.perSecond).toFixed(3),
      (w.cpuMs / w.load.requests / (p.cpuMs / p.load.requests)).toFixed(3),
      `${n(p.load.bytesPerRequest)} / ${n(w.load.bytesPerRequest)}`,
      `${noiseOf(p, w)}%`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => pad(x, widths[i]!, i > 0)).join(' │ ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)].join('\n');
}

const dbLabel = (r: DatabaseResult) => (r.dialect === 'sqlite' ? 'SQLite, one portal' : `PostgreSQL, ${r.instances} portal instances on one schema`);

/** What makes the figures wrong (errors, answers that were not the page); with `notes`, also what weakens them. */
function problems(r: DatabaseResult, notes: string[] = []): string[] {
  const out: string[] = [];
  for (const k of KINDS) {
    for (const [side, m] of [['portal', r.kinds[k].portal], ['raw', r.kinds[k].raw]] as const) {
      const e = m.load.errors;
      const bad = Object.entries(e).filter(([, v]) => v > 0);
      if (bad.length > 0) out.push(`${KIND_LABEL[k]}, ${side}: wrk counted ${bad.map(([w, v]) => `${v} ${w === 'status' ? 'answers ≥ 400' : `${w} errors`}`).join(', ')}`);
    }
    // A redirect passes wrk's count; a page much smaller than the captured ones would be one.
    const expected = k === 'mixed' ? Math.min(r.bodyBytes.article, r.bodyBytes.services, r.bodyBytes.search) : r.bodyBytes[k];
    if (r.wrapped.includes(k)) notes.push(`${KIND_LABEL[k]}: the runs went round the whole list of ${n(LIST_SIZE)} requests, so some sessions opened a page a second time (raise LIST_SIZE)`);
    if (r.kinds[k].portal.load.bytesPerRequest < expected * 0.5) out.push(`${KIND_LABEL[k]}: ${n(r.kinds[k].portal.load.bytesPerRequest)} bytes per answer, the pages are about ${n(expected)}: some answers were not the page`);
  }
  return out;
}

function targetRows(r: DatabaseResult): Row[] {
  const sqlite = r.dialect === 'sqlite';
  const db = sqlite ? 'SQLite' : 'PostgreSQL';
  const a = r.kinds.article;
  const s = r.kinds.services;
  return [
    {
      name: `${db}: help article µs CPU/request`,
      noisePct: noiseOf(a.portal),
      value: a.portal.cpuUsPerRequest,
      unit: 'count',
      target: { op: '<=', value: sqlite ? 150 : 250 },
      detail: `${n(a.portal.load.perSecond)} req/s, p99 ${a.portal.load.latencyMs.p99} ms; server CPU ${a.portal.server.map((x) => `${x.cpuPct}%`).join(' + ')}`,
    },
    {
      name: `${db}: help article ÷ raw node:http`,
      noisePct: noiseOf(a.portal, a.raw),
      value: a.portal.load.perSecond / a.raw.load.perSecond,
      unit: 'ratio',
      target: { op: '>=', value: sqlite ? 0.1 : 0.06 },
      detail: `${n(a.portal.load.perSecond)} vs ${n(a.raw.load.perSecond)} req/s (raw: ${n(a.raw.cpuUsPerRequest, 1)} µs CPU/request, wrk at ${a.raw.load.wrkCpuPct ?? '?'}% of its core); ${n(r.bodyBytes.article)} body bytes on average`,
    },
    {
      name: `${db}: services µs CPU/request`,
      noisePct: noiseOf(s.portal),
      value: s.portal.cpuUsPerRequest,
      unit: 'count',
      target: { op: '<=', value: 100 },
      detail: `${n(s.portal.load.perSecond)} req/s (raw ${n(s.raw.load.perSecond)}), p99 ${s.portal.load.latencyMs.p99} ms`,
    },
    {
      name: `${db}: event-loop p99 at 80 % load`,
      noisePct: noiseOf(r.eventLoop),
      value: r.eventLoop.p99Ms,
      unit: 'ms',
      target: { op: '<=', value: 5 },
      detail: `${n(r.eventLoop.gotPerSecond)} of ${n(r.eventLoop.askedPerSecond)} req/s asked (mix, constant rate); loop delay p50 ${r.eventLoop.p50Ms} ms, max ${r.eventLoop.maxMs} ms${r.instances > 1 ? ' (the worse instance)' : ''}; request latency from when due p50 ${r.eventLoop.latencyMs.p50} ms, p99 ${r.eventLoop.latencyMs.p99} ms` + (r.eventLoop.nonOk ? ` [unexpected: ${r.eventLoop.nonOk}]` : ''),
    },
  ];
}

function cacheText(r: DatabaseResult): string {
  if (!r.cache) return 'cache hit rate (mix): n/a (the portal serves no portal_cache_requests_total on /metrics yet)';
  const parts = Object.entries(r.cache.byCache).map(([c, v]) => `${c} ${v.hit + v.miss > 0 ? `${((v.hit / (v.hit + v.miss)) * 100).toFixed(1)}%` : '—'} of ${n(v.hit + v.miss)}`);
  return `cache hit rate (mix): ${Number.isFinite(r.cache.hitRate) ? `${(r.cache.hitRate * 100).toFixed(1)}%` : 'n/a (no cache lookups)'}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

// ---------------------------------------------------------------- section

export async function manyReadersBench(o: { postgres: boolean }): Promise<boolean> {
  ensureWrk();
  // The portal as `npm start` runs it (the built bundle on plain node), not through the TypeScript loader.
  log('readers: building dist/server.js (scripts/build-server.js, as npm start does)');
  const entry = buildServer();
  const corpus = generateCorpus(ARTICLES, 'mi-portal-many-readers');
  const tree = toHelpTree(corpus);
  const queries = buildQuerySet(corpus, QUERIES).map((q) => q.text);
  const articles = corpus.articles.map((a) => ({ system: a.system, slug: a.slug }));
  const results: DatabaseResult[] = [];
  const failed: string[] = [];
  process.stdout.write(
    `\nMany readers — ${n(CUSTOMERS * (TECHNICAL_PER_CUSTOMER + 1))} sessions, ${ARTICLES} articles (Zipf s = ${ZIPF_EXPONENT}), mix 75 % articles / 15 % services / 10 % searches; wrk, ${CONNECTIONS} connections; ` +
      `portal and raw node:http on core ${canPin ? SERVER_CORE : '*'}, load on core ${canPin ? LOAD_CORE : '*'}; Node ${process.version}, ${cpus().length} cores; portal ${PORTAL_SECONDS} s, raw ${RAW_SECONDS} s per kind\n`,
  );
  const dialects: Array<'sqlite' | 'postgres'> = o.postgres ? ['sqlite', 'postgres'] : ['sqlite'];
  if (!o.postgres) log('readers: no PostgreSQL part (give --postgres or a postgres:// DATABASE_URL)');
  for (const dialect of dialects) {
    // Each database's table as soon as it is measured: a failure in the next one (a page answering 500) does not lose it.
    let r: DatabaseResult;
    try {
      r = await oneDatabase(dialect, entry, tree, articles, queries);
    } catch (err) {
      if (isFinishing()) throw err;
      const message = `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} part failed: ${err instanceof Error ? err.message : String(err)}`;
      failed.push(message);
      process.stdout.write(`\n! ${message}\n`);
      continue;
    }
    results.push(r);
    const out = ['', `${dbLabel(r)}:`, kindTable(r), `  ${cacheText(r)}`, `  event-loop p99 at ${EL_LOAD_SHARE * 100} % of the mix's rate: ${r.eventLoop.p99Ms} ms (${n(r.eventLoop.gotPerSecond)} of ${n(r.eventLoop.askedPerSecond)} req/s)`];
    const others = Math.max(0, ...KINDS.flatMap((k) => [...Object.values(r.kinds[k].portal.othersPct), ...Object.values(r.kinds[k].raw.othersPct)]));
    out.push(`  other programs took up to ${others}% of a bench core during these runs${r.dialect === 'postgres' ? ' (PostgreSQL\'s own work for the portals counts there)' : ''}`);
    const notes: string[] = [];
    for (const p of problems(r, notes)) out.push(`  ! ${p}`);
    for (const p of notes) out.push(`  note: ${p}`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
  const rows = results.flatMap(targetRows);
  process.stdout.write(
    [
      '',
      '  µs CPU/req: the portal process\'s CPU time (all threads; both instances on PostgreSQL) ÷ requests answered. ÷ raw (req/s): portal req/s ÷ raw req/s; ÷ raw (CPU): raw µs ÷ portal µs per request.',
      '  wrk CPU on raw: the generator\'s own share of its core while driving the raw server; well under 100 % means the raw figure is the server\'s, not the generator\'s.',
      '',
      table(rows),
      '',
    ].join('\n'),
  );
  const problemsFound = results.flatMap((r) => problems(r));

  const json = {
    at: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? null,
    cores: cpus().length,
    pinned: canPin ? { servers: SERVER_CORE, load: LOAD_CORE } : null,
    sessions: CUSTOMERS * (TECHNICAL_PER_CUSTOMER + 1),
    failed,
    articles: ARTICLES,
    queries: QUERIES,
    zipfExponent: ZIPF_EXPONENT,
    mix: { article: 0.75, services: 0.15, search: 0.1 },
    connections: CONNECTIONS,
    seconds: { portal: PORTAL_SECONDS, raw: RAW_SECONDS, eventLoop: EL_SECONDS },
    figures: rows.map((r) => ({ name: r.name, value: r.value, unit: r.unit, target: r.target, result: pass(r), detail: r.detail })),
    databases: results.map((r) => ({
      ...r,
      table: Object.fromEntries(
        KINDS.map((k) => {
          const { portal: p, raw: w } = r.kinds[k];
          return [k, { perSecond: p.load.perSecond, p50Ms: p.load.latencyMs.p50, p99Ms: p.load.latencyMs.p99, cpuUsPerRequest: p.cpuUsPerRequest, rawPerSecond: w.load.perSecond, rawCpuUsPerRequest: w.cpuUsPerRequest, ratio: p.load.perSecond / w.load.perSecond }];
        }),
      ),
      problems: problems(r),
      notes: ((notes: string[]) => (problems(r, notes), notes))([]),
    })),
  };
  writeFileSync(join(BENCH, 'results-readers.json'), `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write('Written to bench/results-readers.json\n');
  return failed.length === 0 && problemsFound.length === 0 && !rows.some((r) => pass(r) === 'FAIL');
}
