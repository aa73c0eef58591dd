// What the many-readers bench sends, and wrk to send it.
//
// Popularity: articles are ranked in a seeded random order and drawn with
// weight 1 / rank^0.8. Why 0.8: measured web request streams follow a
// Zipf-like law with an exponent between 0.64 and 0.83 (Breslau et al., "Web
// caching and Zipf-like distributions", INFOCOM 1999); at 0.8 over 500
// articles the top 10 take about a quarter of the reads and the top 50 half,
// so a cache shared by all readers has a warm head and a long cold tail, and a
// per-session cache (each reader opening articles it has not opened before)
// little to reuse. A reader draws only among the articles it may read (its
// customer's contracts, narrowed by its scope): the popularity of those,
// in the same order. Searches are drawn the same way from the query set
// (help-corpus.ts buildQuerySet), since queries are Zipf-like too.
//
// Mix: 75 % articles (the help is what most signed-in people read), 15 %
// the services page (the administrators' landing page, sent only with
// administrators' sessions: technical users may not see it), 10 % searches.
// Sessions are drawn uniformly: 1,000 people, each about as active.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, canPin, LOAD_CORE, onCleanup, sleep } from './harness.ts';
import { rng } from './help-corpus.ts';
import { shuffle, type Reader } from './many-readers-seed.ts';

export const ZIPF_EXPONENT = 0.8;
export const WRK = '/usr/bin/wrk';

export type PageKind = 'mixed' | 'article' | 'services' | 'search';
export interface BenchRequest {
  path: string;
  cookie: string;
  kind: Exclude<PageKind, 'mixed'>;
}

/** Draws indices 0…n-1 with weight 1 / (position in `order` + 1)^s; `accept` narrows the draw (rejection, so the order among the accepted holds). */
export class ZipfDraw {
  private readonly cumulative: Float64Array;
  constructor(private readonly order: number[], s = ZIPF_EXPONENT) {
    this.cumulative = new Float64Array(order.length);
    let sum = 0;
    for (let i = 0; i < order.length; i++) this.cumulative[i] = sum += 1 / (i + 1) ** s;
  }

  /** -1 when `tries` draws found nothing acceptable. */
  draw(r: () => number, accept: (index: number) => boolean = () => true, tries = 100_000): number {
    for (let t = 0; t < tries; t++) {
      const x = r() * this.cumulative[this.cumulative.length - 1]!;
      let lo = 0;
      let hi = this.cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.cumulative[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      const index = this.order[lo]!;
      if (accept(index)) return index;
    }
    return -1;
  }
}

export interface RequestLists {
  mixed: BenchRequest[];
  article: BenchRequest[];
  services: BenchRequest[];
  search: BenchRequest[];
}

/**
 * The requests of each kind, in order. A reader never opens an article (or
 * runs a search) twice until it has opened every one it may read: the issue's
 * "each opening articles they have not opened before", so the per-session
 * page cache cannot stand in for a cache shared by all readers. The services
 * page is the exception: an administrator's landing page, reloaded.
 */
export function buildRequestLists(
  readers: Reader[],
  articles: Array<{ system: string; slug: string }>,
  queries: string[],
  size: number,
  seed = 'mi-portal-many-readers-requests',
): RequestLists {
  const r = rng(seed);
  const articleDraw = new ZipfDraw(shuffle(r, articles.map((_, i) => i)));
  const queryDraw = new ZipfDraw(shuffle(r, queries.map((_, i) => i)));
  const admins = readers.filter((x) => x.role === 'admin');
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  // What each reader has opened so far, per list (each list is its own run, read by the same sessions).
  const fresh = () => new Map<Reader, Set<number>>();
  const unseen = (draw: ZipfDraw, seen: Map<Reader, Set<number>>, reader: Reader, may: (i: number) => boolean) => {
    const mine = seen.get(reader) ?? new Set<number>();
    seen.set(reader, mine);
    let i = draw.draw(r, (k) => may(k) && !mine.has(k), 200_000);
    if (i < 0) {
      // Read everything it may: it starts over.
      mine.clear();
      i = draw.draw(r, may);
    }
    mine.add(i);
    return i;
  };
  const article = (seen: Map<Reader, Set<number>>) => (reader: Reader): BenchRequest => {
    const a = articles[unseen(articleDraw, seen, reader, (i) => reader.systems.has(articles[i]!.system))]!;
    return { path: `/ayuda/${a.system}/${a.slug}`, cookie: reader.cookie, kind: 'article' };
  };
  const services = (reader: Reader): BenchRequest => ({ path: '/servicios', cookie: reader.cookie, kind: 'services' });
  const search = (seen: Map<Reader, Set<number>>) => (reader: Reader): BenchRequest => ({
    path: `/ayuda/buscar?q=${encodeURIComponent(queries[unseen(queryDraw, seen, reader, () => true)]!)}`,
    cookie: reader.cookie,
    kind: 'search',
  });
  const mixedArticle = article(fresh());
  const mixedSearch = search(fresh());
  const mixed: BenchRequest[] = [];
  // Every session appears first in the mixed list, once: the check before measuring sends these, and the runs start after them.
  for (const reader of shuffle(r, readers)) mixed.push(reader.role === 'admin' && r() < 0.15 ? services(reader) : mixedArticle(reader));
  while (mixed.length < size) {
    const x = r();
    if (x < 0.75) mixed.push(mixedArticle(pick(readers)));
    else if (x < 0.9) mixed.push(services(pick(admins)));
    else mixed.push(mixedSearch(pick(readers)));
  }
  const articleOnly = article(fresh());
  const searchOnly = search(fresh());
  return {
    mixed,
    article: Array.from({ length: size }, () => articleOnly(pick(readers))),
    services: Array.from({ length: size }, () => services(pick(admins))),
    search: Array.from({ length: size }, () => searchOnly(pick(readers))),
  };
}

/** Where the next run of a list starts: runs go on along the list, so no run repeats what an earlier one sent (until it wraps). */
export class ListCursor {
  next = 0;
  wrapped = false;
  constructor(readonly list: BenchRequest[]) {}

  /** After a run of `requests` over `threads` threads, each of which started `list.length / threads` apart (so each may go on that far). */
  advance(requests: number, threads: number): void {
    // With two threads on two instances one may have sent more than half: step on by the whole run, which is past either.
    this.next += requests;
    if (this.next >= Math.floor(this.list.length / threads)) {
      this.wrapped = true;
      this.next %= Math.floor(this.list.length / threads);
    }
  }

  /** The next `count` requests, for a run outside wrk (the constant-rate one). */
  take(count: number): BenchRequest[] {
    const out: BenchRequest[] = [];
    for (let i = 0; i < count; i++) out.push(this.list[(this.next + i) % this.list.length]!);
    if (this.next + count >= this.list.length) this.wrapped = true;
    this.next = (this.next + count) % this.list.length;
    return out;
  }
}

export function writeRequestFile(file: string, list: BenchRequest[]): string {
  writeFileSync(file, `${list.map((q) => `${q.path}\t${q.cookie}`).join('\n')}\n`);
  return file;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  perSecond: number;
  bytesPerRequest: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  /** wrk's own CPU (all its threads) over the run, % of one core: well under 100 means it was not the bottleneck. */
  wrkCpuPct: number | null;
}

export function ensureWrk(): void {
  if (!existsSync(WRK)) throw new Error(`the readers section needs wrk at ${WRK} (Debian: apt-get install -y wrk)`);
}

function ticksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

/**
 * wrk on the load core for `seconds`, the requests of `file` in turn. With
 * several targets, one thread per target (the connections split between them).
 */
export async function runWrk(o: { targets: string[]; file: string; seconds: number; connections: number; start?: number }): Promise<WrkResult> {
  const threads = Math.max(1, o.targets.length);
  const args = ['-t', String(threads), '-c', String(Math.max(threads, o.connections)), '-d', `${o.seconds}s`, '--timeout', '10s', '-s', join(BENCH, 'many-readers.lua'), `http://${o.targets[0]}`];
  const [cmd, argv] = canPin ? ['taskset', ['-c', LOAD_CORE, WRK, ...args]] : [WRK, args];
  // taskset execs wrk: the pid is wrk's.
  const child = spawn(cmd, argv, {
    env: { ...process.env, READERS_REQUESTS: o.file, READERS_TARGETS: o.targets.length > 1 ? o.targets.join(',') : '', READERS_THREADS: String(threads), READERS_START: String(o.start ?? 0) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  // wrk's CPU: its /proc ticks, read until just before it exits (afterwards they are gone).
  const cpu = { firstTicks: NaN, firstAt: 0, lastTicks: NaN, lastAt: 0 };
  const poll = setInterval(() => {
    const t = child.pid ? ticksOf(child.pid) : null;
    if (t === null) return;
    if (Number.isNaN(cpu.firstTicks)) {
      cpu.firstTicks = t;
      cpu.firstAt = performance.now();
    }
    cpu.lastTicks = t;
    cpu.lastAt = performance.now();
  }, 200);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(poll);
  const line = out.split('\n').find((l) => l.startsWith('READERS '));
  if (code !== 0 || !line) throw new Error(`wrk exited ${code}: ${err || out.slice(-2000)}`);
  const j = JSON.parse(line.slice('READERS '.length)) as {
    requests: number;
    durationUs: number;
    bytes: number;
    errors: WrkResult['errors'];
    latencyUs: { p50: number; p99: number; max: number; mean: number };
  };
  const seconds = j.durationUs / 1e6;
  const ms = (us: number) => Math.round(us / 10) / 100;
  // A tick is 10 ms (USER_HZ 100).
  const wrkCpuPct = cpu.lastAt - cpu.firstAt > 1000 ? Math.round(((cpu.lastTicks - cpu.firstTicks) * 10 * 100) / (cpu.lastAt - cpu.firstAt)) : null;
  return {
    requests: j.requests,
    seconds,
    perSecond: j.requests / seconds,
    bytesPerRequest: j.requests > 0 ? Math.round(j.bytes / j.requests) : 0,
    errors: j.errors,
    latencyMs: { p50: ms(j.latencyUs.p50), p99: ms(j.latencyUs.p99), max: ms(j.latencyUs.max), mean: ms(j.latencyUs.mean) },
    wrkCpuPct,
  };
}

/** Small pause between runs: the previous run's connections close before the next opens its own. */
export const settle = () => sleep(300);
