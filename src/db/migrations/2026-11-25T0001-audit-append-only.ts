import { sql, type Kysely } from 'kysely';
import { isPostgres } from './migration-dialect.ts';

// The audit trail is evidence: the database itself refuses to change or
// delete a row, whatever code (or operator) asks it to.

export async function up(db: Kysely<any>): Promise<void> {
  if (await isPostgres(db)) {
    await sql`create function audit_events_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_events is append-only'; end $$`.execute(db);
    await sql`create trigger audit_events_no_update before update or delete on audit_events
      for each row execute function audit_events_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_events_no_update before update on audit_events
      begin select raise(abort, 'audit_events is append-only'); end`.execute(db);
    await sql`create trigger audit_events_no_delete before delete on audit_events
      begin select raise(abort, 'audit_events is append-only'); end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (await isPostgres(db)) {
    await sql`drop trigger if exists audit_events_no_update on audit_events`.execute(db);
    await sql`drop function if exists audit_events_append_only()`.execute(db);
  } else {
    await sql`drop trigger if exists audit_events_no_update`.execute(db);
    await sql`drop trigger if exists audit_events_no_delete`.execute(db);
  }
}
