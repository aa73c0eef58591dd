// `npm run build` (and `npm start`, through prestart): src/server.ts and what it
// imports, as one ES module dist/server.js, so production runs on plain node
// without a TypeScript loader (docs/decisions/0025-built-server-bundle.md).
// esbuild strips the types and does not check them: `npm run typecheck` does.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();

/**
 * Each file is written beside its place and renamed over it: a portal already
 * running from dist/ (a second instance started from the same folder, say)
 * never reads half a file when it starts its hashing thread, and a failed
 * build leaves the last good one.
 */
function replace(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

mkdirSync(`${ROOT}dist`, { recursive: true });
const { outputFiles } = await build({
  absWorkingDir: ROOT,
  // The server, and the help-search thread (src/help/search-threads/) it starts beside it: one
  // build, each a bundle of its own (no code splitting), with the same settings.
  entryPoints: { server: 'src/server.ts', 'search-thread': 'src/help/search-threads/search-thread.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // JSX (hono/jsx) as the tsconfig says, the same settings tsx and Vitest read.
  tsconfig: 'tsconfig.json',
  // Left in node_modules: native addons (a .node file cannot be inlined), and
  // pino, whose transports start worker threads from its own files.
  external: ['better-sqlite3', '@node-rs/argon2', 'pg-native', 'pino'],
  // The bundled CommonJS packages require Node's own modules; an ES module has no require of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // Stack traces name src/… lines (node --enable-source-maps). Positions only,
  // no copy of the sources: the map stays small, and so does the memory node
  // keeps it in.
  sourcemap: true,
  sourcesContent: false,
  // Less for V8 to parse at every start; names are kept, so a stack trace reads even without the map.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});
for (const file of outputFiles) replace(file.path, file.contents);
// The password-hashing thread is plain JavaScript already; the hasher finds it beside the module that starts it.
replace(`${ROOT}dist/hash-worker.mjs`, readFileSync(`${ROOT}src/auth/hash-worker.mjs`));
process.stdout.write(`dist/server.js built in ${Math.round(performance.now() - started)} ms\n`);
