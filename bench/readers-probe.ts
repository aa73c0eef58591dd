// A probe, not part of `npm run bench`: one portal process (as `npm start`
// runs it) under one page kind of the many-readers lists, and its CPU per
// request read from /proc/<pid>/stat over the measured run. Quicker than the
// whole section when working on one page, and with
// BENCH_PORTAL_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" it leaves a
// profile whose last SECS seconds are the measured run.
//
//   npx tsx bench/readers-probe.ts                      SQLite, help articles
//   KIND=services SECS=8 npx tsx bench/readers-probe.ts
//   PG=1 DATABASE_URL=postgres://… npx tsx bench/readers-probe.ts
//   PG=1 INSTANCES=2 DATABASE_URL=postgres://… npx tsx bench/readers-probe.ts   as the bench runs PostgreSQL
//
// On a shared virtual machine the figure moves by a third between identical
// runs (the kernel's send path): take the lowest of a few.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, log, prepareDatabase, startPortal, stop } from './harness.ts';
import { buildQuerySet, generateCorpus, toHelpTree } from './help-corpus.ts';
import { buildRequestLists, ensureWrk, runWrk, writeRequestFile, type PageKind } from './many-readers-load.ts';
import { seedReaders } from './many-readers-seed.ts';

const kind = (process.env.KIND ?? 'article') as PageKind;
const seconds = Number(process.env.SECS ?? 6);
ensureWrk();
const corpus = generateCorpus(500);
const dir = mkdtempSync(join(tmpdir(), 'mi-portal-probe-'));
const db = await prepareDatabase(dir, process.env.PG === '1');
const seeded = await seedReaders(db.url, toHelpTree(corpus));
const lists = buildRequestLists(
  seeded.readers,
  corpus.articles.map((a) => ({ system: a.system, slug: a.slug })),
  buildQuerySet(corpus, 100).map((q) => q.text),
  100_000,
);
const file = writeRequestFile(join(dir, `${kind}.txt`), lists[kind]);
const instances = Number(process.env.INSTANCES ?? 1);
const entry = buildServer();
const portals: Array<Awaited<ReturnType<typeof startPortal>>> = [];
const metricsToken = 'probe-metrics-token-0123456789abcdef';
for (let i = 0; i < instances; i++) portals.push(await startPortal(db.url, { METRICS_TOKEN: metricsToken }, entry));
/** Summed over the instances: portal_change_signal_barriers_total (0 on SQLite, which has none), and every cache's hits and misses. */
const counters = async () => {
  const sum = { barriers: 0, hits: 0, misses: 0, pageHits: 0, pageMisses: 0 };
  for (const { base } of portals) {
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    sum.barriers += Number(/^portal_change_signal_barriers_total (\S+)$/m.exec(text)?.[1] ?? 0);
    for (const [, result, value] of text.matchAll(/^portal_cache_requests_total\{[^}]*result="(hit|miss)"[^}]*\} (\S+)$/gm)) sum[result === 'hit' ? 'hits' : 'misses'] += Number(value);
    sum.pageHits += Number(/^portal_cache_requests_total\{cache="page",result="hit"\} (\S+)$/m.exec(text)?.[1] ?? 0);
    sum.pageMisses += Number(/^portal_cache_requests_total\{cache="page",result="miss"\} (\S+)$/m.exec(text)?.[1] ?? 0);
  }
  return sum;
};
const targets = portals.map((p) => new URL(p.base).host);
/** The portals' user and system CPU so far, in clock ticks (100 a second). */
const userSystem = (): { user: number; system: number } =>
  portals.reduce(
    (sum, { portal }) => {
      const fields = readFileSync(`/proc/${portal.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return { user: sum.user + Number(fields[11]), system: sum.system + Number(fields[12]) };
    },
    { user: 0, system: 0 },
  );
const ticks = () => {
  const { user, system } = userSystem();
  return user + system;
};
// Warm: every cache filled by the first three seconds; the measured run starts further along the list.
await runWrk({ targets, file, seconds: 3, connections: 10 });
const countersBefore = await counters();
const atStart = userSystem();
const before = ticks();
const r = await runWrk({ targets, file, seconds, connections: 10, start: 20_000 });
const cpu = ticks() - before;
const atEnd = userSystem();
const systemShare = Math.round((100 * (atEnd.system - atStart.system)) / Math.max(1, cpu));
const countersAfter = await counters();
const sent = countersAfter.barriers - countersBefore.barriers;
const hits = countersAfter.hits - countersBefore.hits;
const lookups = hits + countersAfter.misses - countersBefore.misses;
const pageHits = countersAfter.pageHits - countersBefore.pageHits;
const pageLookups = pageHits + countersAfter.pageMisses - countersBefore.pageMisses;
log(`${kind}, ${instances} instance(s): ${Math.round(r.perSecond)} req/s, ${Math.round((cpu * 10_000) / r.requests)} µs CPU/request, ${systemShare} % of it in the kernel (${r.requests} requests, p99 ${r.latencyMs.p99} ms, cache hit rate ${lookups > 0 ? ((100 * hits) / lookups).toFixed(1) : '—'} % of ${lookups}, page cache ${pageHits} hits of ${pageLookups}${sent > 0 ? `, ${(sent / r.requests).toFixed(2)} barriers/request` : ''})`);
for (const { portal } of portals) await stop(portal);
await db.drop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
