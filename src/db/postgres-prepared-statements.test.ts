import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlWithSchema } from '../../tests/portal-instances.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { createDb, isPostgresUrl, type Db } from './create-db.ts';
import { MAX_PREPARED, PreparingClient } from './postgres-prepared-statements.ts';

// The statements a connection repeats run prepared (named), bounded, and a
// statement whose plan or name went away runs again rather than failing.
// PostgreSQL only (`runIf`): SQLite keeps its own statement cache (create-db.ts).

const postgres = isPostgresUrl(process.env.DATABASE_URL ?? '');
let database: TestDatabase | undefined;
let client: PreparingClient;

/** The texts of this connection's prepared statements, as the server lists them (read without values: never one of them). */
async function onServer(): Promise<string[]> {
  const r = (await client.query('select statement from pg_prepared_statements order by name')) as { rows: { statement: string }[] };
  return r.rows.map((row) => row.statement);
}

beforeAll(async () => {
  if (!postgres) return;
  database = await createTestDatabase('prep');
  client = new PreparingClient({ connectionString: urlWithSchema(database.url, database.schema!) });
  await client.connect();
  await client.query('create table items (id int primary key, label text not null)');
  await client.query("insert into items select g, 'item ' || g from generate_series(1, 50) g");
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe.runIf(postgres)('prepared statements on PostgreSQL', () => {
  it('prepares a text from its second use, and answers as the unnamed statement did', async () => {
    const text = 'select label from items where id = $1';
    const first = await client.query(text, [3]);
    expect(await onServer()).toEqual([]);
    const second = await client.query(text, [4]);
    const third = await client.query(text, [5]);
    expect([first, second, third].map((r) => r.rows[0].label)).toEqual(['item 3', 'item 4', 'item 5']);
    expect(await onServer()).toHaveLength(1);
    expect(client.preparedCount).toBe(1);
  });

  it('keeps at most MAX_PREPARED per connection: the least recently used go back to the server', async () => {
    const hot = 'select count(*)::int as n from items where id < $1';
    for (let i = 0; i < 3; i++) await client.query(hot, [10]);
    for (let k = 0; k < MAX_PREPARED + 40; k++) {
      // Texts that differ (as IN lists do), each used twice; the hot one between them.
      for (let i = 0; i < 2; i++) expect((await client.query(`select id from items where id in (${Array.from({ length: 1 + (k % 7) }, (_, j) => `$${j + 1}`).join(', ')}) and ${k} = ${k}`, Array.from({ length: 1 + (k % 7) }, (_, j) => j + 1))).rows).toHaveLength(1 + (k % 7));
      if (k % 10 === 0) await client.query(hot, [10]);
    }
    const names = await onServer();
    expect(names.length).toBeLessThanOrEqual(MAX_PREPARED);
    expect(client.preparedCount).toBe(names.length);
    expect((await client.query(hot, [10])).rows[0].n).toBe(9);
  });

  it('runs a statement again when a change of the table (or a reset) made its prepared form unusable', async () => {
    const text = 'select * from items where id = $1';
    for (let i = 0; i < 3; i++) await client.query(text, [1]);
    await client.query('alter table items add column note text');
    expect(Object.keys((await client.query(text, [1])).rows[0])).toEqual(['id', 'label', 'note']);
    await client.query('deallocate all');
    expect((await client.query(text, [2])).rows[0].label).toBe('item 2');
    // Inside a transaction the failure is the caller's (the transaction has failed); after it, the statement runs again.
    await client.query('alter table items drop column note');
    await client.query('begin');
    await expect(client.query(text, [1])).rejects.toMatchObject({ code: '0A000' });
    await client.query('rollback');
    expect(Object.keys((await client.query(text, [1])).rows[0])).toEqual(['id', 'label']);
  });

  it('leaves alone what cannot be prepared: several statements in one text, transaction control, a query object', async () => {
    const several = await client.query('select 1 as a; select 2 as b');
    expect((several as unknown as { rows: unknown[] }[]).map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    for (let i = 0; i < 3; i++) {
      await client.query('begin', []);
      await client.query('commit', []);
    }
    const named = await client.query({ name: 'mine', text: 'select $1::int as v', values: [7] });
    expect(named.rows[0].v).toBe(7);
    expect((await onServer()).filter((t) => /^(begin|commit)$|;/.test(t))).toEqual([]);
  });

  it('is what createDb gives Kysely, and can be turned off', async () => {
    const url = urlWithSchema(database!.url, database!.schema!);
    const count = async (db: Db) => {
      for (let i = 0; i < 3; i++) await sql`select count(*)::int as n from items where id < ${5}`.execute(db.db);
      return (await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(db.db)).rows[0]!.n;
    };
    const on = createDb(url, { poolSize: 1 });
    const off = createDb(url, { poolSize: 1, preparedStatements: false });
    try {
      expect(await count(on)).toBeGreaterThan(0);
      expect(await count(off)).toBe(0);
    } finally {
      await on.close();
      await off.close();
    }
  });
});
