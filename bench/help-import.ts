// Child of the help search bench: generate the synthetic corpus and import it
// through the portal's own importHelpTree into a fresh database, timing each
// phase. The bench runs one for SQLite and one for PostgreSQL side by side.
//
//   tsx bench/help-import.ts --dialect sqlite --url FILE --articles N [--seed S] [--queries FILE]
//   tsx bench/help-import.ts --dialect postgres --url postgres://… --schema NAME --articles N [--seed S]
//
// Prints one JSON line: { dialect, articles, generateMs, renderMs, migrateMs, importMs, result, bytes? }.
// With --queries, also writes the bench's query set (buildQuerySet) there.
import { statSync, writeFileSync } from 'node:fs';
import { createDb } from '../src/db/create-db.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { importHelpTree } from '../src/help/import/import-help-tree.ts';
import { buildQuerySet, generateCorpus, toHelpTree } from './help-corpus.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dialect = arg('dialect');
const url = arg('url');
const articles = Number(arg('articles'));
if ((dialect !== 'sqlite' && dialect !== 'postgres') || !url || !(articles > 0)) {
  process.stderr.write('usage: help-import.ts --dialect sqlite|postgres --url URL --articles N [--schema S] [--seed S] [--queries FILE] [--query-count N]\n');
  process.exit(2);
}

let t = performance.now();
const lap = () => {
  const now = performance.now();
  const ms = Math.round(now - t);
  t = now;
  return ms;
};
const corpus = generateCorpus(articles, arg('seed'));
const generateMs = lap();
const queriesFile = arg('queries');
if (queriesFile) writeFileSync(queriesFile, JSON.stringify(buildQuerySet(corpus, Number(arg('query-count') ?? 200))));
const tree = toHelpTree(corpus);
const renderMs = lap();
const schema = arg('schema');
const { db, close } = createDb(url, schema ? { searchPath: schema } : {});
await migrateToLatest(db);
const migrateMs = lap();
const result = await importHelpTree(db, dialect, tree, new Date());
const importMs = lap();
await close();
const bytes = dialect === 'sqlite' ? statSync(url).size : undefined;
process.stdout.write(`${JSON.stringify({ dialect, articles, vocabulary: corpus.vocabulary, generateMs, renderMs, migrateMs, importMs, result, bytes })}\n`);
