import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { isPostgresUrl } from '../src/db/create-db.ts';

/**
 * The database a test runs on: SQLite in memory, or, when DATABASE_URL is a
 * postgres:// URL, a schema of its own on that server so test files running
 * side by side never see each other's rows. drop() removes the schema.
 */
export interface TestDatabase {
  url: string;
  schema: string | undefined;
  drop(): Promise<void>;
}

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const env = process.env.DATABASE_URL;
  if (!env || !isPostgresUrl(env)) return { url: ':memory:', schema: undefined, drop: async () => {} };
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await sql(env, `create schema ${schema}`);
  return { url: env, schema, drop: () => sql(env, `drop schema ${schema} cascade`) };
}
