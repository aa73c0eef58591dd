// A quick in-process probe of HelpSearch.search on an already imported corpus
// (the full help section of `npm run bench` takes minutes at 50,000 articles).
// Import once with bench/help-import.ts, then probe as often as needed:
//
//   tsx bench/help-import.ts --dialect sqlite --url /tmp/hp/help.sqlite --articles 50000 --queries /tmp/hp/queries.json
//   tsx bench/help-import.ts --dialect postgres --url postgres://…/test --schema probe_help --articles 50000
//   tsx bench/help-search-probe.ts --sqlite /tmp/hp/help.sqlite --queries /tmp/hp/queries.json [--pg URL --schema S]
//       [--dump PREFIX] [--passes N] [--slow]
//   tsx bench/help-search-probe.ts --sqlite … --queries … --pg URL --schema S --unprepared
//   tsx bench/help-search-probe.ts --sqlite … --queries … --pg URL --schema S --also-schema S2 [--also-schema S3]
//
// --dump writes every field of every result to PREFIX.sqlite.json (and
// PREFIX.postgres.json): each query on pages 1 and 3, as typed (typing: true),
// and for a reader of two systems only, so that a change meant to keep the
// results can be checked with cmp. Without it: whole passes over the query set,
// alternating SQLite and PostgreSQL (the same way as the bench's in-process
// comparison), then p50/p99 of each and PostgreSQL's p50 ÷ SQLite's.
// --unprepared adds a second PostgreSQL handle with DATABASE_PREPARED_STATEMENTS
// off, in the same turns: what the prepared statements save (decision 0036).
// --also-schema (repeatable) adds a PostgreSQL handle on another schema, in the
// same turns: a copy of the corpus with other storage or indexes, measured
// against the first on the same machine at the same moment (runs apart differ
// by a third here). --dump writes PREFIX.postgres-S2.json for each.
import { readFileSync, writeFileSync } from 'node:fs';
import { createDb, type Db } from '../src/db/create-db.ts';
import { HelpSearch } from '../src/help/search/help-search.ts';
import type { BenchQuery } from './help-corpus.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sqliteFile = arg('sqlite');
const queriesFile = arg('queries');
if (!sqliteFile || !queriesFile) {
  process.stderr.write('usage: help-search-probe.ts --sqlite FILE --queries FILE [--pg URL --schema S] [--dump PREFIX] [--passes N]\n');
  process.exit(2);
}
const queries = (JSON.parse(readFileSync(queriesFile, 'utf8')) as BenchQuery[]).map((q) => q.text);
const pgUrl = arg('pg');
const dbs: Db[] = [createDb(sqliteFile)];
if (pgUrl) dbs.push(createDb(pgUrl, { searchPath: arg('schema') ?? 'public' }));
const unprepared = pgUrl && process.argv.includes('--unprepared') ? createDb(pgUrl, { searchPath: arg('schema') ?? 'public', preparedStatements: false }) : undefined;
if (unprepared) dbs.push(unprepared);
const alsoSchemas = process.argv.flatMap((a, i) => (a === '--also-schema' && process.argv[i + 1] ? [process.argv[i + 1]!] : []));
const variants = new Map<Db, string>(pgUrl ? alsoSchemas.map((s) => [createDb(pgUrl, { searchPath: s }), s]) : []);
dbs.push(...variants.keys());
/** What sets a PostgreSQL handle apart from the first one ('unprepared', or its schema); undefined for the first and SQLite. */
const variantOf = (db: Db) => (db === unprepared ? 'unprepared' : variants.get(db));
const label = (db: Db) => (variantOf(db) ? `postgres, ${variantOf(db)}` : db.dialect);
const fileLabel = (db: Db) => (variantOf(db) ? `postgres-${variantOf(db)}` : db.dialect);

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

async function systemsOf(db: Db): Promise<string[]> {
  return (await db.db.selectFrom('systems').select('id').orderBy('position').execute()).map((s) => s.id);
}

async function dump(db: Db, file: string) {
  const search = new HelpSearch(db.db, db.dialect);
  const every = await systemsOf(db);
  const out: unknown[] = [];
  for (const text of queries) {
    out.push({ text, p1: await search.search({ text, systemIds: every, perPage: 10 }) });
    out.push({ text, p3: await search.search({ text, systemIds: every, perPage: 10, page: 3 }) });
    out.push({ text, typing: await search.search({ text, systemIds: every, perPage: 10, typing: true }) });
    out.push({ text, two: await search.search({ text, systemIds: every.slice(0, 2), perPage: 10 }) });
  }
  writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
}

async function pass(db: Db, search: HelpSearch, ids: string[], into: number[]) {
  for (const text of queries) {
    const t = performance.now();
    await search.search({ text, systemIds: ids, perPage: 10 });
    into.push(performance.now() - t);
  }
}

try {
  const prefix = arg('dump');
  if (prefix) {
    for (const db of dbs) await dump(db, `${prefix}.${fileLabel(db)}.json`);
  } else {
    const passes = Number(arg('passes') ?? 5);
    const runs = await Promise.all(dbs.map(async (db) => ({ db, search: new HelpSearch(db.db, db.dialect), ids: await systemsOf(db), ms: [] as number[] })));
    for (const r of runs) await pass(r.db, r.search, r.ids, []); // warm-up: vocabulary, statement caches, pages
    for (let i = 0; i < passes; i++) for (const r of runs) await pass(r.db, r.search, r.ids, r.ms);
    const p50 = runs.map((r) => percentile(r.ms, 50));
    for (const [i, r] of runs.entries()) process.stdout.write(`${label(r.db)}: p50 ${p50[i]!.toFixed(2)} ms, p99 ${percentile(r.ms, 99).toFixed(2)} ms, mean ${(r.ms.reduce((a, b) => a + b, 0) / r.ms.length).toFixed(2)} ms (${r.ms.length} searches)\n`);
    if (process.argv.includes('--slow')) {
      // The slowest queries of each (median over the passes): where the tail comes from.
      for (const r of runs) {
        const per = queries.map((text, q) => ({ text, ms: percentile(r.ms.filter((_, i) => i % queries.length === q), 50) }));
        for (const x of per.sort((a, b) => b.ms - a.ms).slice(0, 12)) process.stdout.write(`  ${label(r.db)} ${x.ms.toFixed(2)} ms  ${x.text}\n`);
      }
    }
    if (runs.length > 1) process.stdout.write(`PostgreSQL p50 ÷ SQLite p50: ${(p50[1]! / p50[0]!).toFixed(2)}\n`);
    if (unprepared) process.stdout.write(`PostgreSQL p50 prepared ÷ unprepared: ${(p50[1]! / p50[2]!).toFixed(2)}\n`);
    for (const [i, r] of runs.entries()) if (variants.has(r.db)) process.stdout.write(`PostgreSQL p50 ${variants.get(r.db)} ÷ ${arg('schema') ?? 'public'}: ${(p50[i]! / p50[1]!).toFixed(2)}, p99 ${(percentile(r.ms, 99) / percentile(runs[1]!.ms, 99)).toFixed(2)}\n`);
  }
} finally {
  for (const db of dbs) await db.close();
}
