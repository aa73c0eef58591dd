import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runCli } from '../src/cli/main.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/** Runs `portal …` in this process, as an operator would type it, and keeps what it printed. */
export async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * Points the CLI (which reads DATABASE_URL like the server) at a database of
 * this test file's own, for the whole file: a SQLite file in a temporary
 * folder, or with `testDatabase` a schema of its own on PostgreSQL when the
 * suite runs there. Returns the temporary folder. Restores the environment and removes both afterwards.
 * Registers its hooks first, so a file's own afterAll runs before them.
 */
export function useCliDatabase(folderPrefix: string, options: { testDatabase?: string } = {}): string {
  const work = mkdtempSync(join(tmpdir(), folderPrefix));
  const saved = { ...process.env };
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    const file = join(work, 'portal.sqlite');
    if (options.testDatabase) {
      database = await createTestDatabase(options.testDatabase);
      process.env.DATABASE_URL = database.schema
        ? `${database.url}${database.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${database.schema}`)}`
        : file;
    } else {
      process.env.DATABASE_URL = file;
    }
    process.env.LOG_LEVEL = 'silent';
    delete process.env.SMTP_URL;
  });
  afterAll(async () => {
    process.env = saved;
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });
  return work;
}
