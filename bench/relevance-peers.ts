// `npm run bench:relevance` (issue 9): does the help search beat the libraries
// a team would drop in? The shipped help (content/help) and the same queries
// (relevance sets 1 and 2) on six engines, side by side in one run:
//
//   ours on SQLite, ours on PostgreSQL (HelpSearch over a freshly imported
//   database: SQLite in memory; PostgreSQL at DATABASE_URL, or
//   postgres://postgres@127.0.0.1:5432/test, in a schema of its own dropped
//   at the end; skipped with a note when no server answers);
//   MiniSearch 7 and Lunr 2 (lunr-languages Spanish), each in three query
//   modes: "OR" (the library's default: any word, ranked), "AND" (every word
//   or nothing: the only mode that can answer a no-answer query honestly) and
//   "AND→OR" (every word, and only when no article has them all, any word:
//   what our engine does).
//
// The peers get the fairest configuration we could think of (see PEERS below):
// fields title, summary, tags, headings and body with the title boosted; accent
// folding on both sides; the vendor's synonyms (sinonimos.txt) expanded at
// query time the way ours are; typo tolerance and prefixes. Metrics
// (src/help/search/relevance-metrics.ts): hit@1, hit@3 and MRR@10 on the
// answerable queries, and no-answer honesty on the queries with no answer
// (an engine is honest only when it returns nothing; ours may show up to three
// "closest" articles apart, which never count as hits). Set 1's `within` is its
// own test's threshold and is ignored here; its typing pairs run as typing
// (last word a prefix) on every engine.
//
// Prints one table per set and the ratios ours ÷ best peer, and writes
// bench/results-relevance.json (figures, per-kind figures, every query's rank).
//
//   npm run bench:relevance
//   DATABASE_URL=postgres://… npm run bench:relevance
//   npm run bench:relevance -- --sqlite-only
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import lunr from 'lunr';
import MiniSearch, { type Query as MiniQuery } from 'minisearch';
import pg from 'pg';
import { createDb, isPostgresUrl, type Dialect } from '../src/db/create-db.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { HELP_DIR } from '../src/demo/seed-demo.ts';
import type { HelpTree } from '../src/help/import/help-tree.ts';
import { importHelpTree } from '../src/help/import/import-help-tree.ts';
import { readHelpTree } from '../src/help/import/read-help-tree.ts';
import { foldText } from '../src/help/search/fold-text.ts';
import { HelpSearch } from '../src/help/search/help-search.ts';
import {
  casesOfSet1,
  casesOfSet2,
  evaluateRelevance,
  kindTable,
  missesTable,
  pct,
  textTable,
  type RelevanceCase,
  type RelevanceFigures,
  type RelevanceReport,
  type RelevanceSearch,
} from '../src/help/search/relevance-metrics.ts';
import { RELEVANCE_SET } from '../src/help/search/relevance-set.ts';
import { RELEVANCE_SET_2 } from '../src/help/search/relevance-set-2.ts';
import { isStopWord } from '../src/help/search/spanish-stop-words.ts';

const require = createRequire(import.meta.url);
require('lunr-languages/lunr.stemmer.support')(lunr);
require('lunr-languages/lunr.es')(lunr);
// lunr-languages adds lunr.es at run time; its types do not know it.
const lunrEs = (lunr as unknown as { es: lunr.Builder.Plugin & { stemmer: lunr.PipelineFunction & ((token: lunr.Token) => lunr.Token) } }).es;

const BENCH = new URL('.', import.meta.url).pathname;
const PER_PAGE = 10;
const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';
/** Shorter words are not given typo tolerance, on every engine (ours: TYPO_MIN_LENGTH). */
const TYPO_MIN = 5;

interface Engine {
  name: string;
  search: RelevanceSearch;
  close?: () => Promise<void>;
}

const key = (a: { system: string; slug: string }) => `${a.system}/${a.slug}`;
const asHit = (k: string) => ({ systemSlug: k.split('/')[0]!, slug: k.split('/').slice(1).join('/') });

/** Query words as a peer sees them: folded, split on anything but letters and digits, Spanish stop words dropped. */
function queryWords(text: string): string[] {
  const words = foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w && !isStopWord(w));
  return [...new Set(words)].slice(0, 8);
}

/**
 * The synonym groups as folded words, for query-time expansion. A peer has no
 * stemmer of ours, so a query word meets a group when it equals one of its
 * words or does once a plural -s/-es is taken off (what sinonimos.txt promises
 * its readers: "factura" also finds "facturas").
 */
function synonymExpander(groups: string[][]): (word: string) => string[] {
  const byWord = new Map<string, string[]>();
  for (const g of groups) {
    const folded = g.map((w) => foldText(w).trim()).filter(Boolean);
    for (const w of folded) byWord.set(w, [...new Set([...(byWord.get(w) ?? []), ...folded])]);
  }
  return (word) => {
    for (const form of [word, word.replace(/es$/, ''), word.replace(/s$/, '')]) {
      const g = byWord.get(form);
      if (g) return [...new Set([word, ...g])];
    }
    return [word];
  };
}

// ---------------------------------------------------------------------------
// Ours.

async function ours(tree: HelpTree, dialect: Dialect, url: string, schema?: string): Promise<Engine> {
  const { db, close } = createDb(url, schema ? { searchPath: schema } : {});
  await migrateToLatest(db);
  await importHelpTree(db, dialect, tree, new Date());
  const systemIds = (await db.selectFrom('systems').select('id').execute()).map((s) => s.id);
  const help = new HelpSearch(db, dialect);
  return {
    name: `ours (${dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'})`,
    search: (text, { typing }) => help.search({ text, systemIds, perPage: PER_PAGE, typing }),
    close,
  };
}

// ---------------------------------------------------------------------------
// MiniSearch 7: title boosted (ours' order: title, then headings and tags,
// then body; the summary, which ours does not index, between), fuzzy 0.2 and prefix on every term, accent
// folding and Spanish stop words in processTerm (index and query alike), the
// vendor's synonyms as OR groups.

type PeerMode = 'OR' | 'AND' | 'AND→OR';

function miniSearch(tree: HelpTree, mode: PeerMode): Engine {
  const ms = new MiniSearch<{ id: string; title: string; summary: string; tags: string; headings: string; body: string }>({
    fields: ['title', 'summary', 'tags', 'headings', 'body'],
    processTerm: (term) => {
      const f = foldText(term);
      return isStopWord(f) ? null : f;
    },
    searchOptions: { boost: { title: 4, headings: 2, tags: 2, summary: 1.5, body: 1 }, fuzzy: 0.2, prefix: true },
  });
  ms.addAll(tree.articles.map((a) => ({ id: key(a), title: a.title, summary: a.summary, tags: a.tags, headings: a.headings.join(' \n '), body: a.text })));
  const expand = synonymExpander(tree.synonyms ?? []);
  const run = (groups: string[][], combineWith: 'AND' | 'OR') => {
    const query: MiniQuery = { combineWith, queries: groups.map((g) => ({ combineWith: 'OR', queries: g })) };
    // Short words get no fuzziness (a 4-letter word at 0.2 would still allow nothing; kept explicit).
    return ms.search(query, { fuzzy: (term) => (term.length >= TYPO_MIN ? 0.2 : false) });
  };
  return {
    name: `MiniSearch ${mode}`,
    search: async (text) => {
      const groups = queryWords(text).map(expand);
      if (groups.length === 0) return { hits: [] };
      let results = mode === 'OR' ? run(groups, 'OR') : run(groups, 'AND');
      if (results.length === 0 && mode === 'AND→OR' && groups.length > 1) results = run(groups, 'OR');
      return { hits: results.slice(0, PER_PAGE).map((r) => asHit(String(r.id))) };
    },
  };
}

// ---------------------------------------------------------------------------
// Lunr 2 with lunr-languages' Spanish (trimmer, stop words, Snowball stemmer).
// That stemmer only knows accented suffixes ("liquidación" → liquid, but
// "liquidacion" stays whole), and lunr.es does no accent folding; so every
// token is indexed and searched as two forms, the stem of the word as written
// and the stem of the word folded, both folded: "liquidación" and
// "liquidacion" then meet. Fields boosted like MiniSearch's; each query word
// is searched exactly (boost 10), with one edit (words of 5+ letters) and, in
// a typing query's last word, as a prefix; synonyms are more alternatives.
// Lunr cannot say "(a OR b) AND c", so AND→OR intersects the articles each
// word's alternatives match and keeps the OR ranking within them.

const foldStems: lunr.PipelineFunction = (token) => {
  const asWritten = token.toString();
  const stemmed = foldText(lunrEs.stemmer(token.clone()).toString());
  const folded = lunrEs.stemmer(token.clone((s) => foldText(s))).toString();
  return [...new Set([stemmed, folded])].map((s) => token.clone(() => s)).filter((t) => t.toString() !== '' || asWritten === '');
};
const foldedStopWords: lunr.PipelineFunction = (token) => (isStopWord(foldText(token.toString())) ? null : token);
lunr.Pipeline.registerFunction(foldStems, 'bench-fold-stems');
lunr.Pipeline.registerFunction(foldedStopWords, 'bench-folded-stop-words');

function lunrEngine(tree: HelpTree, mode: PeerMode): Engine {
  const index = lunr(function () {
    this.use(lunrEs);
    // lunr.es puts trimmer, stop words and stemmer in the pipeline: replace the stemmer by the folding one.
    for (const p of [this.pipeline, this.searchPipeline]) {
      p.before(lunrEs.stemmer, foldedStopWords);
      p.after(lunrEs.stemmer, foldStems);
      p.remove(lunrEs.stemmer);
    }
    this.ref('id');
    this.field('title', { boost: 4 });
    this.field('headings', { boost: 2 });
    this.field('tags', { boost: 2 });
    this.field('summary', { boost: 1.5 });
    this.field('body');
    this.metadataWhitelist = [];
    for (const a of tree.articles) this.add({ id: key(a), title: a.title, summary: a.summary, tags: a.tags, headings: a.headings.join(' \n '), body: a.text });
  });
  const expand = synonymExpander(tree.synonyms ?? []);
  const clauses = (q: lunr.Query, group: string[], prefix: boolean) => {
    for (const w of group) {
      q.term(w, { boost: 10 });
      if (w.length >= TYPO_MIN) q.term(w, { editDistance: 1, boost: 1 });
    }
    // A wildcard skips the pipeline, so the prefix is folded already (queryWords).
    if (prefix) q.term(group[0]!, { wildcard: lunr.Query.wildcard.TRAILING, usePipeline: false, boost: 2 });
  };
  return {
    name: `Lunr ${mode}`,
    search: async (text, { typing }) => {
      const words = queryWords(text);
      const groups = words.map(expand);
      if (groups.length === 0) return { hits: [] };
      const last = typing && /[\p{L}\p{N}]$/u.test(text) ? groups.length - 1 : -1;
      const all = index.query((q) => groups.forEach((g, i) => clauses(q, g, i === last)));
      let results = all;
      if (mode !== 'OR' && groups.length > 1) {
        const each = groups.map((g, i) => new Set(index.query((q) => clauses(q, g, i === last)).map((r) => r.ref)));
        const every = all.filter((r) => each.every((s) => s.has(r.ref)));
        if (every.length > 0 || mode === 'AND') results = every;
      }
      return { hits: results.slice(0, PER_PAGE).map((r) => asHit(r.ref)) };
    },
  };
}

// ---------------------------------------------------------------------------

async function pgSchema(url: string): Promise<{ schema: string; drop: () => Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    console.log(`PostgreSQL at ${url} did not answer (${(e as Error).message}): its row is left out.`);
    return null;
  }
  const schema = `bench_rel_${randomBytes(4).toString('hex')}`;
  await admin.query(`create schema ${schema}`);
  await admin.end();
  return {
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

interface Row {
  engine: string;
  report: RelevanceReport;
  msPerQuery: number;
}

async function measure(engine: Engine, cases: RelevanceCase[]): Promise<Row> {
  // One warm-up pass (vocabulary load, JIT), then the measured one.
  await evaluateRelevance(cases.slice(0, 5), engine.search);
  const started = performance.now();
  const report = await evaluateRelevance(cases, engine.search);
  return { engine: engine.name, report, msPerQuery: (performance.now() - started) / cases.length };
}

function setTable(rows: Row[]): string {
  return textTable([
    ['engine', 'hit@1', 'hit@3', 'MRR@10', 'no answer honest', 'only closest', 'ms/query'],
    ...rows.map(({ engine, report: { figures: f }, msPerQuery }) => [
      engine,
      pct(f.hit1),
      pct(f.hit3),
      f.mrr10.toFixed(3),
      f.noAnswer ? `${f.honest}/${f.noAnswer}` : '—',
      String(f.inClosest),
      msPerQuery.toFixed(2),
    ]),
  ]);
}

function ratios(rows: Row[]): string {
  const peers = rows.filter((r) => !r.engine.startsWith('ours'));
  const best = (pick: (f: RelevanceFigures) => number) => Math.max(...peers.map((p) => pick(p.report.figures)));
  const lines: string[] = [];
  for (const mine of rows.filter((r) => r.engine.startsWith('ours'))) {
    const f = mine.report.figures;
    const ratio = (pick: (f: RelevanceFigures) => number) => (best(pick) > 0 ? (pick(f) / best(pick)).toFixed(2) : '∞');
    const honest = f.noAnswer ? ` · honest ${f.honest} vs best peer ${best((x) => x.honest)} of ${f.noAnswer}` : '';
    lines.push(`${mine.engine} ÷ best peer: hit@1 ${ratio((x) => x.hit1)} · hit@3 ${ratio((x) => x.hit3)} · MRR@10 ${ratio((x) => x.mrr10)}${honest}`);
  }
  return lines.join('\n');
}

/** hit@1 per kind, one column per engine. */
function kindsSideBySide(rows: Row[]): string {
  const kinds = Object.keys(rows[0]!.report.byKind);
  return textTable([
    ['kind (hit@1; honest for no-answer)', 'n', ...rows.map((r) => r.engine)],
    ...kinds.map((k) => [
      k,
      String(rows[0]!.report.byKind[k]!.queries),
      ...rows.map((r) => {
        const f = r.report.byKind[k]!;
        return f.answerable ? pct(f.hit1) : `${f.honest}/${f.noAnswer}`;
      }),
    ]),
  ]);
}

async function main() {
  const started = performance.now();
  const sqliteOnly = process.argv.includes('--sqlite-only');
  const tree = readHelpTree(HELP_DIR);
  const engines: Engine[] = [await ours(tree, 'sqlite', ':memory:')];
  const url = process.env.DATABASE_URL && isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : DEFAULT_PG;
  const pgs = sqliteOnly ? null : await pgSchema(url);
  try {
    if (pgs) engines.push(await ours(tree, 'postgres', url, pgs.schema));
    for (const mode of ['OR', 'AND', 'AND→OR'] as const) engines.push(miniSearch(tree, mode));
    for (const mode of ['OR', 'AND', 'AND→OR'] as const) engines.push(lunrEngine(tree, mode));
    const sets = [
      { name: `set 1 (${RELEVANCE_SET.length} pairs, src/help/search/relevance-set.ts; "within" ignored)`, id: 'set1', cases: casesOfSet1(RELEVANCE_SET) },
      { name: `set 2 (${RELEVANCE_SET_2.length} queries, src/help/search/relevance-set-2.ts)`, id: 'set2', cases: casesOfSet2(RELEVANCE_SET_2) },
    ];
    const results: Record<string, unknown> = { at: new Date().toISOString(), articles: tree.articles.length, engines: engines.map((e) => e.name) };
    for (const set of sets) {
      const rows: Row[] = [];
      for (const e of engines) rows.push(await measure(e, set.cases));
      console.log(`\n=== ${set.name}\n${setTable(rows)}\n\n${ratios(rows)}`);
      if (set.id === 'set2') console.log(`\n${kindsSideBySide(rows)}`);
      for (const r of rows.filter((x) => x.engine.startsWith('ours'))) console.log(`\n${r.engine}, ${set.id}, by kind:\n${kindTable(r.report)}\n\n${r.engine}, ${set.id}, not first:\n${missesTable(r.report)}`);
      results[set.id] = rows.map((r) => ({
        engine: r.engine,
        msPerQuery: Number(r.msPerQuery.toFixed(3)),
        figures: r.report.figures,
        byKind: r.report.byKind,
        queries: r.report.outcomes.map((o) => ({ kind: o.case.kind, query: o.case.query, typing: o.case.typing || undefined, expect: o.case.expect, rank: o.rank, hits: o.hitCount, honest: o.honest ?? undefined, inClosest: o.inClosest || undefined, top: o.top })),
      }));
    }
    writeFileSync(join(BENCH, 'results-relevance.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nbench/results-relevance.json written (${((performance.now() - started) / 1000).toFixed(1)} s).`);
  } finally {
    for (const e of engines) await e.close?.();
    await pgs?.drop();
  }
}

await main();
