import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { createDb, type Db } from './create-db.ts';
import { migrateToLatest } from './migrate.ts';

// Kysely's introspector walked every schema of the server; a schema dropped
// meanwhile (another test file's, here made on purpose) failed our migration.
const isPg = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));

describe.runIf(isPg)('the PostgreSQL introspector (schema-introspector.ts)', () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase('intro');
    db = createDb(database.url, { searchPath: database.schema });
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it('migrates and lists only its own schema while other schemas come and go', async () => {
    const churn = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await churn.connect();
    let stop = false;
    let dropped = 0;
    const churning = (async () => {
      for (let i = 0; !stop; i++) {
        const name = `intro_churn_${process.pid}_${i}`;
        await churn.query(`create schema ${name}; create table ${name}.customers (id serial primary key, name text); create table ${name}.users (id serial primary key)`);
        await churn.query(`drop schema ${name} cascade`);
        dropped++;
      }
    })();
    try {
      await migrateToLatest(db.db);
      for (let i = 0; i < 30; i++) {
        const tables = await db.db.introspection.getTables();
        expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([database.schema]));
        const customers = tables.find((t) => t.name === 'customers');
        expect(customers?.columns.map((c) => c.name)).toContain('rut');
        expect(tables.some((t) => t.name === 'kysely_migration')).toBe(false);
      }
      const withInternal = await db.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(withInternal.some((t) => t.name === 'kysely_migration')).toBe(true);
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
    expect(dropped).toBeGreaterThan(0);
  });
});
