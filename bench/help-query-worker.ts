// Child of the help search bench, pinned to the portal's core: the search
// without the web around it, on the very database file the portal serves.
//
//   { worker: 'init', sqliteFile, pg: { url, schema } | null, queries: string[] }
//       -> { id, systemIds, articlePath, queries: [{ terms, matches, statements, total, relaxed }] }
//       Runs HelpSearch.search once per query on a Kysely that records the
//       adapter's SQL: the exact statements (text and parameters) the portal
//       runs for each query, 'any' fallback included.
//   { worker: 'bare', from, to }   -> { id, ms, cpuMs, perQueryMs }
//       The bare FTS5 baseline for queries [from, to): better-sqlite3 alone, the
//       same MATCH text as the adapter (parseSearchQuery + toFts5Match, with the
//       reader's systems as the adapter adds them), ranked by FTS5's rank
//       (ORDER BY rank, rowid desc) with the page's LIMIT/OFFSET; nothing else.
//   { worker: 'replay', from, to } -> the same, replaying the adapter's whole SQL (count, joins) as recorded.
//   { worker: 'compare', minPasses, minSeconds, maxSeconds } -> { id, sqlite: number[][], postgres: number[][] | null, totals }
//       HelpSearch.search in process, one query at a time, whole passes over the
//       set alternating SQLite and PostgreSQL: ms per query, per pass; and the
//       number of results of each query on each (they must agree).
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { createDb, type Db } from '../src/db/create-db.ts';
import type { Database } from '../src/db/schema.ts';
import { HelpSearch } from '../src/help/search/help-search.ts';
import { toFts5Match } from '../src/help/search/parse-search-query.ts';

const PER_PAGE = 10;

interface Statement {
  sql: string;
  params: unknown[];
}

let sqlite: Db;
let postgres: Db | null = null;
let raw: SQLite.Database;
let systemIds: string[] = [];
/** Each database made its own ids for the systems: PostgreSQL's, in the same order. */
let pgSystemIds: string[] = [];
let queries: string[] = [];
/** Per query: the adapter's statements as recorded, and the bare ranked FTS5 query for each. */
let recorded: Statement[][] = [];
let bare: Statement[][] = [];
const prepared = new Map<string, SQLite.Statement>();

function prepare(sql: string): SQLite.Statement {
  let s = prepared.get(sql);
  if (!s) prepared.set(sql, (s = raw.prepare(sql)));
  return s;
}

async function init(m: { sqliteFile: string; pg: { url: string; schema: string } | null; queries: string[] }) {
  queries = m.queries;
  sqlite = createDb(m.sqliteFile);
  if (m.pg) postgres = createDb(m.pg.url, { searchPath: m.pg.schema });
  raw = new SQLite(m.sqliteFile, { readonly: true });
  // The reader of the bench: every system, in the order help-access.ts gives them.
  systemIds = (await sqlite.db.selectFrom('systems').select('id').orderBy('position').execute()).map((s) => s.id);
  if (postgres) pgSystemIds = (await postgres.db.selectFrom('systems').select('id').orderBy('position').execute()).map((s) => s.id);
  if (postgres && pgSystemIds.length !== systemIds.length) throw new Error(`SQLite has ${systemIds.length} systems, PostgreSQL ${pgSystemIds.length}`);
  const first = await sqlite.db
    .selectFrom('help_articles as a')
    .innerJoin('systems as s', 's.id', 'a.system_id')
    .select(['s.slug as system', 'a.slug'])
    .where('a.published', '=', 1)
    .orderBy('s.position')
    .orderBy('a.position')
    .orderBy('a.title')
    .limit(1)
    .executeTakeFirstOrThrow();

  // A Kysely of its own on the same file, only to record what the adapter runs.
  let log: CompiledQuery[] = [];
  const recorder = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new SQLite(m.sqliteFile, { readonly: true }) }),
    log: (e) => {
      if (e.level === 'query') log.push(e.query);
    },
  });
  const search = new HelpSearch(recorder, 'sqlite');
  const info = [];
  let mismatches = 0;
  for (const text of queries) {
    log = [];
    const r = await search.search({ text, systemIds, perPage: PER_PAGE });
    const statements = log.filter((q) => /help_search\s+match/.test(q.sql)).map((q) => ({ sql: q.sql, params: [...q.parameters] }));
    // The query as parseSearchQuery + toFts5Match make it; the adapter adds the
    // reader's systems to it (a MATCH on system tokens, or a filter on a
    // system_id column in older indexes) and may run it in several statements
    // (count, tiers). The baseline runs that same MATCH once, ranked by FTS5.
    const parsed = await search.parse(text);
    const filter = statements.some((st) => /system_id in \(/.test(st.sql)) ? ` and system_id in (${systemIds.map(() => '?').join(', ')})` : '';
    const modes: Array<'all' | 'any'> = parsed.terms.length === 0 ? [] : parsed.terms.length > 1 && (r.relaxed || r.total === 0) ? ['all', 'any'] : ['all'];
    const bases = modes.map((mode) => {
      const core = toFts5Match(parsed, mode);
      // The adapter's MATCH for the whole set: the query itself, or the query first and then the
      // systems; the shortest such (a tier of the set adds to it; per-column terms start with "{").
      const texts = statements.flatMap((st) => st.params.filter((p): p is string => typeof p === 'string' && (p === core || p.startsWith(`(${core})`))));
      if (texts.length === 0) mismatches++;
      return texts.sort((a, b) => a.length - b.length)[0] ?? core;
    });
    recorded.push(statements);
    bare.push(
      bases.map((match) => ({
        sql: `select rowid as rid, rank as score from help_search where help_search match ?${filter} order by score, rid desc limit ? offset ?`,
        params: [match, ...(filter ? systemIds : []), PER_PAGE, 0],
      })),
    );
    const count = bases.length ? (raw.prepare(`select count(*) from help_search where help_search match ?${filter}`).pluck().get(bases.at(-1), ...(filter ? systemIds : [])) as number) : 0;
    info.push({ text, terms: parsed.terms.map((t) => t.stems), statements: statements.length, matches: count, total: r.total, capped: r.totalCapped, relaxed: r.relaxed });
  }
  await recorder.destroy();
  return { systemIds, articlePath: `/ayuda/${first.system}/${first.slug}`, queries: info, mismatches };
}

/** Run the statements of queries [from, to) once, in order, on better-sqlite3 alone. */
function runStatements(lists: Statement[][], from: number, to: number) {
  const perQueryMs: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = from; i < to; i++) {
    const t = performance.now();
    for (const s of lists[i]!) prepare(s.sql).all(...s.params);
    perQueryMs.push(performance.now() - t);
  }
  const c = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (c.user + c.system) / 1000, perQueryMs };
}

async function pass(db: Db, ids: string[], totals?: number[]): Promise<number[]> {
  const search = new HelpSearch(db.db, db.dialect);
  await search.vocabulary();
  const out: number[] = [];
  for (const text of queries) {
    const t = performance.now();
    const r = await search.search({ text, systemIds: ids, perPage: PER_PAGE });
    out.push(performance.now() - t);
    totals?.push(r.total);
  }
  return out;
}

/** Whole passes, SQLite and PostgreSQL in turns, until both have minPasses and minSeconds has gone by (maxSeconds stops starting new ones). */
async function compare(m: { minPasses: number; minSeconds: number; maxSeconds: number }) {
  const out: { sqlite: number[][]; postgres: number[][] | null; totals: { sqlite: number[]; postgres: number[] } } = {
    sqlite: [],
    postgres: postgres ? [] : null,
    // From the first pass: the same corpus must give the same number of results on both.
    totals: { sqlite: [], postgres: [] },
  };
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  while (out.sqlite.length < m.minPasses || (elapsed() < m.minSeconds && elapsed() < m.maxSeconds)) {
    const first = out.sqlite.length === 0;
    out.sqlite.push(await pass(sqlite, systemIds, first ? out.totals.sqlite : undefined));
    if (postgres) out.postgres!.push(await pass(postgres, pgSystemIds, first ? out.totals.postgres : undefined));
    if (elapsed() >= m.maxSeconds && out.sqlite.length >= m.minPasses) break;
  }
  return out;
}

process.on('message', (m: { id: number; worker: string } & Record<string, unknown>) => {
  const answer = async () => {
    switch (m.worker) {
      case 'init':
        return init(m as never);
      case 'bare':
        return runStatements(bare, Number(m.from ?? 0), Number(m.to ?? queries.length));
      case 'replay':
        return runStatements(recorded, Number(m.from ?? 0), Number(m.to ?? queries.length));
      case 'compare':
        return compare(m as never);
      default:
        throw new Error(`unknown order ${m.worker}`);
    }
  };
  answer().then(
    (r) => process.send!({ id: m.id, ...r }),
    (err) => process.send!({ id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', async () => {
  await Promise.allSettled([sqlite?.close(), postgres?.close()]);
  process.exit(0);
});
process.send!({ ready: true });
