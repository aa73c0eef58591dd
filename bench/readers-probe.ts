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
const { portal, base } = await startPortal(db.url, {}, buildServer());
const target = new URL(base).host;
/** The portal's user + system CPU so far, in clock ticks (100 a second). */
const ticks = () => {
  const fields = readFileSync(`/proc/${portal.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
// Warm: every cache filled by the first three seconds; the measured run starts further along the list.
await runWrk({ targets: [target], file, seconds: 3, connections: 10 });
const before = ticks();
const r = await runWrk({ targets: [target], file, seconds, connections: 10, start: 20_000 });
const cpu = ticks() - before;
log(`${kind}: ${Math.round(r.perSecond)} req/s, ${Math.round((cpu * 10_000) / r.requests)} µs CPU/request (${r.requests} requests, p99 ${r.latencyMs.p99} ms)`);
await stop(portal);
await db.drop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
