import { sql, type Kysely } from 'kysely';

/**
 * PostgreSQL only: the triggers that tell every portal process a table
 * changed (db/postgres-change-signal.ts listens). Shared by migration 0012
 * and by every later migration that creates a table a page may show:
 * `await notifyChanges(db, 'new_table', EVERY_WRITE)`, or declare its writes
 * quiet in db/page-data-writes.ts and here alike (change-notifications.test.ts
 * compares the database's triggers with page-data-writes.ts).
 *
 * pg_notify inside the writing statement's transaction: PostgreSQL delivers
 * it at commit, never for a rollback, and collapses the same payload sent
 * many times by one transaction into one; the CLI's and raw SQL's writes are
 * covered as the portal's are.
 */
export const CHANGES_CHANNEL = 'portal_changes';
export const NOTIFY_FUNCTION = 'portal_notify_change';

/** Which writes to a table notify. */
export interface TableWrites {
  insert: boolean;
  /** Deletes; a TRUNCATE (a delete of every row) goes with them. */
  delete: boolean;
  /** 'all': every update; 'none': no update; a list: an update that changes any column but these. */
  update: 'all' | 'none' | readonly string[];
}

export const EVERY_WRITE: TableWrites = { insert: true, delete: true, update: 'all' };

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return name;
}

export async function createNotifyFunction(db: Kysely<any>): Promise<void> {
  // The payload names the schema: several portals (or test runs) may share one database and one channel.
  await sql`create or replace function ${sql.raw(NOTIFY_FUNCTION)}() returns trigger language plpgsql as $$
    begin
      perform pg_notify(${sql.lit(CHANGES_CHANNEL)}, tg_table_schema || '.' || tg_table_name);
      return null;
    end $$`.execute(db);
}

export async function notifyChanges(db: Kysely<any>, table: string, writes: TableWrites): Promise<void> {
  const t = sql.raw(identifier(table));
  const quietColumns = Array.isArray(writes.update) ? writes.update : [];
  const events = [
    ...(writes.insert ? ['insert'] : []),
    ...(writes.update === 'all' || (Array.isArray(writes.update) && quietColumns.length === 0) ? ['update'] : []),
    ...(writes.delete ? ['delete', 'truncate'] : []),
  ];
  // Statement level: one call per statement, however many rows it writes.
  if (events.length > 0) {
    await sql`create trigger portal_changes after ${sql.raw(events.join(' or '))} on ${t}
      for each statement execute function ${sql.raw(NOTIFY_FUNCTION)}()`.execute(db);
  }
  if (quietColumns.length > 0) {
    // Row level, so the quiet columns can be told apart; the row minus those columns covers columns added later too.
    const quiet = sql.raw(`array[${quietColumns.map((c) => `'${identifier(c)}'`).join(', ')}]`);
    await sql`create trigger portal_changes_update after update on ${t}
      for each row when ((to_jsonb(old) - ${quiet}::text[]) is distinct from (to_jsonb(new) - ${quiet}::text[]))
      execute function ${sql.raw(NOTIFY_FUNCTION)}()`.execute(db);
  }
}

export async function dropChangeTriggers(db: Kysely<any>, table: string): Promise<void> {
  const t = sql.raw(identifier(table));
  await sql`drop trigger if exists portal_changes on ${t}`.execute(db);
  await sql`drop trigger if exists portal_changes_update on ${t}`.execute(db);
}
