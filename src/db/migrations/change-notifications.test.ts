import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerWithAdmin, type TestCustomer } from '../../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { QUIET_DELETES, QUIET_INSERTS, QUIET_UPDATE_COLUMNS } from '../page-data-writes.ts';
import { NOTIFYING_TABLES, QUIET_TABLES } from './2026-12-01T0012-change-notifications.ts';
import { CHANGES_CHANNEL, NOTIFY_FUNCTION, type TableWrites } from './change-notification-triggers.ts';

// PostgreSQL's triggers and the page-data-writes plugin must say the same
// thing about every table: which writes a page may show. A table added
// later without a trigger and without being declared quiet fails here.

/** What page-data-writes.ts says about a table's writes, in the triggers' terms. */
function pluginSays(table: string): TableWrites {
  const quietUpdates = QUIET_UPDATE_COLUMNS[table];
  return {
    insert: !QUIET_INSERTS.has(table),
    delete: !QUIET_DELETES.has(table),
    update: quietUpdates === undefined ? 'all' : quietUpdates === 'all' ? 'none' : [...quietUpdates].sort(),
  };
}

const KYSELY_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);
const isPg = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));

describe('migration 0012 agrees with page-data-writes.ts', () => {
  it('every table it names notifies exactly for the writes the plugin counts', () => {
    for (const [table, writes] of Object.entries(NOTIFYING_TABLES)) {
      const update = Array.isArray(writes.update) ? [...writes.update].sort() : writes.update;
      expect({ table, ...writes, update }).toEqual({ table, ...pluginSays(table) });
    }
  });

  it('every table it leaves quiet is quiet for the plugin, and the plugin names no table the migration forgot', () => {
    for (const table of QUIET_TABLES) if (!KYSELY_TABLES.has(table)) expect({ table, ...pluginSays(table) }).toEqual({ table, insert: false, delete: false, update: 'none' });
    const named = new Set([...Object.keys(NOTIFYING_TABLES), ...QUIET_TABLES]);
    // Tables created after migration 0012 bring their own triggers (or none, being quiet): the database test below checks those.
    const later = new Set(['job_leases', 'api_rate_limits', 'api_tokens', 'api_idempotency_keys', 'webhook_endpoints', 'webhook_events', 'webhook_deliveries', 'webhook_delivery_attempts']);
    for (const table of [...QUIET_INSERTS, ...QUIET_DELETES, ...Object.keys(QUIET_UPDATE_COLUMNS)]) {
      if (!later.has(table)) expect(named.has(table), table).toBe(true);
    }
  });
});

describe.runIf(isPg)('PostgreSQL: the triggers of every table', () => {
  let rt: TestRuntime;
  let schema: string;
  let customer: TestCustomer;
  let writer: pg.Client;
  let listener: pg.Client;
  const payloads: string[] = [];
  let sentinels = 0;

  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
    customer = await createCustomerWithAdmin(rt.deps);
    schema = (await sql<{ s: string }>`select current_schema() as s`.execute(rt.deps.db)).rows[0]!.s;
    const client = () => new pg.Client({ connectionString: rt.config.databaseUrl, options: `-c search_path=${schema}` });
    writer = client();
    listener = client();
    await writer.connect();
    await listener.connect();
    listener.on('notification', (n) => payloads.push(n.payload ?? ''));
    await listener.query(`listen ${CHANGES_CHANNEL}`);
  });
  afterAll(async () => {
    await writer?.end();
    await listener?.end();
    await rt?.close();
  });

  /**
   * The tables notified while `write` ran, as the listener heard them: a
   * marker committed after it arrives after everything committed before it
   * (PostgreSQL delivers in commit order), so "nothing" is proven, not timed.
   */
  async function heard(write: (c: pg.Client) => Promise<unknown>): Promise<string[]> {
    payloads.length = 0;
    await write(writer);
    const marker = `marker.${++sentinels}`;
    await writer.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, marker]);
    for (let i = 0; i < 500 && !payloads.includes(marker); i++) await new Promise((r) => setTimeout(r, 10));
    expect(payloads).toContain(marker);
    return payloads.slice(0, payloads.indexOf(marker)).map((p) => p.replace(`${schema}.`, ''));
  }

  it('every table of the schema has the triggers page-data-writes.ts implies (quiet ones: none)', async () => {
    const tables = await writer.query<{ table_name: string }>(
      // A partition is written only through its parent, whose triggers fire for it (help_search_vectors, 2026-12-04T0000).
      `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'
         and table_name not in (select relname from pg_class where relispartition and relnamespace = current_schema()::regnamespace) order by 1`,
    );
    const triggers = await writer.query<{ table: string; type: number; fn: string; def: string }>(
      `select c.relname as table, t.tgtype as type, p.proname as fn, pg_get_triggerdef(t.oid) as def
         from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace join pg_proc p on p.oid = t.tgfoid
        where n.nspname = current_schema() and not t.tgisinternal`,
    );
    expect(tables.rows.length).toBeGreaterThan(30);
    const actual: unknown[] = [];
    const expected: unknown[] = [];
    for (const { table_name: table } of tables.rows) {
      if (KYSELY_TABLES.has(table)) continue;
      const mine = triggers.rows.filter((t) => t.table === table && t.fn === NOTIFY_FUNCTION);
      const statement = mine.filter((t) => (t.type & 1) === 0);
      const row = mine.filter((t) => (t.type & 1) === 1);
      // tgtype bits: 1 row level, 2 before, 4 insert, 8 delete, 16 update, 32 truncate, 64 instead of.
      const has = (bit: number) => statement.some((t) => (t.type & bit) !== 0);
      // Row level: only for updates, with the quiet columns in its WHEN.
      const rowQuiet = row.flatMap((t) => [...(/ARRAY\[([^\]]*)\]/.exec(t.def)?.[1] ?? '').matchAll(/'(\w+)'/g)].map((m) => m[1]!));
      actual.push({
        table,
        insert: has(4),
        delete: has(8),
        truncate: has(32),
        update: has(16) ? 'all' : row.length > 0 ? [...new Set(rowQuiet)].sort() : 'none',
        after: mine.every((t) => (t.type & (2 | 64)) === 0),
      });
      const says = pluginSays(table);
      expected.push({ table, insert: says.insert, delete: says.delete, truncate: says.delete, update: says.update, after: true });
    }
    expect(actual).toEqual(expected);
  });

  it('a committed write notifies its table, once per transaction however many statements and rows', async () => {
    const id = randomUUID();
    expect(await heard((c) => c.query(`insert into customers (id, rut, name, disabled_at, created_at) values ($1, $2, 'Nuevo', null, now()::text)`, [id, `9${Date.now() % 1e7}-K`]))).toEqual(['customers']);
    expect(
      await heard(async (c) => {
        await c.query('begin');
        await c.query(`update customers set name = name || '.'`);
        await c.query(`update customers set name = name || '.' where id = $1`, [id]);
        await c.query(`update users set name = 'Otra' where customer_id = $1`, [customer.id]);
        await c.query('commit');
      }),
    ).toEqual(['customers', 'users']);
    // Statement level: a write that matches no row still says so (the plugin counts it too).
    expect(await heard((c) => c.query(`delete from contracts where false`))).toEqual(['contracts']);
    expect(await heard((c) => c.query(`truncate help_reads`))).toEqual(['help_reads']);
  });

  it('a rolled-back transaction notifies nothing', async () => {
    expect(
      await heard(async (c) => {
        await c.query('begin');
        await c.query(`update customers set name = 'Revertido' where id = $1`, [customer.id]);
        await c.query(`delete from sessions`);
        await c.query('rollback');
      }),
    ).toEqual([]);
  });

  it('quiet writes notify nothing; the same tables\' other writes do', async () => {
    const session = randomUUID();
    const now = new Date().toISOString();
    expect(await heard((c) => c.query(`insert into sessions (id, user_id, created_at, last_seen_at, expires_at) values ($1, $2, $3, $3, $3)`, [session, customer.admin.id, now]))).toEqual([]);
    expect(await heard((c) => c.query(`update sessions set last_seen_at = $1 where id = $2`, [new Date(Date.now() + 1000).toISOString(), session]))).toEqual([]);
    expect(await heard((c) => c.query(`update users set last_sign_in_at = $1 where id = $2`, [now, customer.admin.id]))).toEqual([]);
    expect(await heard((c) => c.query(`insert into throttles select * from throttles where false`))).toEqual([]);
    expect(await heard((c) => c.query(`delete from outbox where false`))).toEqual([]);
    expect(await heard((c) => c.query(`update sessions set user_agent = 'otro' where id = $1`, [session]))).toEqual(['sessions']);
    expect(await heard((c) => c.query(`update sessions set user_agent = 'otro2', last_seen_at = $1 where id = $2`, [now, session]))).toEqual(['sessions']);
    expect(await heard((c) => c.query(`update users set last_sign_in_at = $1, disabled_at = $1 where id = $2`, [now, customer.admin.id]))).toEqual(['users']);
    // Sign-out and revocation must reach every instance.
    expect(await heard((c) => c.query(`delete from sessions where id = $1`, [session]))).toEqual(['sessions']);
  });
});
