import pino from 'pino';
import { createApp } from '../src/app.ts';
import { boot, type Runtime } from '../src/boot.ts';
import { ManualClock } from '../src/clock.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { HELP_DIR } from '../src/demo/seed-demo.ts';
import type { HelpTree } from '../src/help/import/help-tree.ts';
import { importHelpTree } from '../src/help/import/import-help-tree.ts';
import { readHelpTree } from '../src/help/import/read-help-tree.ts';
import type { MailTransport } from '../src/mail/transport.ts';
import { createTestDatabase } from './test-database.ts';

/**
 * The whole portal against a real database: a fresh SQLite file in memory by
 * default, or, when DATABASE_URL is a postgres:// URL, a schema of its own
 * on that server (dropped by close()). Time is a ManualClock.
 */
export interface TestRuntime extends Runtime {
  app: ReturnType<typeof createApp>;
  clock: ManualClock;
  config: Config;
  /** PostgreSQL: the test's own schema (for a connection of the test's, as the CLI would make); SQLite: undefined. */
  schema: string | undefined;
}

// Read and checked once per test process, on first use: a runtime without help never reads it.
let shippedHelp: HelpTree | undefined;
function shippedHelpTree(): HelpTree {
  return (shippedHelp ??= readHelpTree(HELP_DIR));
}

/** Every test runtime starts here: Monday 2 March 2026, 12:00 in Santiago (summer time, UTC-3). */
export const TEST_START = new Date('2026-03-02T15:00:00Z');

export async function createTestRuntime(
  opts: { env?: Record<string, string>; transport?: MailTransport; withHelp?: boolean; sqliteFile?: string } = {},
): Promise<TestRuntime> {
  // sqliteFile: a SQLite file whatever DATABASE_URL says (for what exists only on SQLite).
  const database = opts.sqliteFile ? { url: opts.sqliteFile, schema: undefined, drop: async () => {} } : await createTestDatabase();
  const { url, schema } = database;
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost', TRUST_PROXY: 'true', SIGN_IN_FAILURE_DELAY_MS: '0', ...opts.env });
  const clock = new ManualClock(TEST_START);
  const runtime = await boot(config, pino({ level: 'silent' }), {
    clock,
    ...(schema ? { db: { searchPath: schema, poolSize: 4 } } : {}),
    ...(opts.transport ? { transport: opts.transport } : {}),
  });
  if (opts.withHelp !== false) await importHelpTree(runtime.deps.db, runtime.deps.dialect, shippedHelpTree(), clock.now());
  const app = createApp(runtime.deps);
  return {
    ...runtime,
    app,
    clock,
    config,
    schema,
    async close() {
      await runtime.close();
      await database.drop();
    },
  };
}

