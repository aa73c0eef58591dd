import { sql, type Kysely } from 'kysely';
import { isPostgres } from './migration-dialect.ts';

// The vendor's staff: their own principal (no RUT, no customer), their own
// sessions (shorter limits, a second factor always), invitations instead of
// temporary passwords, TOTP with replay protection and hashed recovery codes.
// The audit trail learns which kind of actor acted; rows written before this
// migration get theirs from what they already say (a user id, the CLI's
// 'operador' label, or nobody).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    // NULL until the invitation is accepted: nothing can sign in with it.
    .addColumn('password_hash', 'text')
    .addColumn('password_changed_at', 'text')
    .addColumn('totp_secret', 'text')
    .addColumn('totp_enrolled_at', 'text')
    // The last 30-second step a code was accepted for: the same or an older step is refused (replay).
    .addColumn('totp_last_step', 'integer')
    .addColumn('disabled_at', 'text')
    .addColumn('last_sign_in_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff_invitations')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('staff_invitations_staff').on('staff_invitations').column('staff_id').execute();

  await db.schema
    .createTable('staff_recovery_codes')
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addPrimaryKeyConstraint('staff_recovery_codes_pk', ['staff_id', 'code_hash'])
    .execute();

  await db.schema
    .createTable('staff_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    // When the second factor was last given in this session; NULL: the password was right, the second factor is still owed.
    .addColumn('second_factor_at', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('staff_sessions_staff').on('staff_sessions').column('staff_id').execute();

  // A CSV import: checked first, then written in one transaction; the row keeps what happened.
  await db.schema
    .createTable('import_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total_rows', 'integer', (c) => c.notNull())
    .addColumn('done_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('problems', 'text')
    .addColumn('summary', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();

  await db.schema.alterTable('audit_events').addColumn('actor_kind', 'text', (c) => c.notNull().defaultTo('anonymous')).execute();
  await db.schema.alterTable('audit_events').addColumn('actor_staff_id', 'text').execute();
  await withAuditWritable(db, async () => {
    await db.updateTable('audit_events').set({ actor_kind: 'user' }).where('actor_user_id', 'is not', null).execute();
    await db.updateTable('audit_events').set({ actor_kind: 'cli' }).where('actor_user_id', 'is', null).where('actor_label', '=', 'operador').execute();
  });
  await db.schema.createIndex('audit_events_at').on('audit_events').column('at').execute();
  await db.schema.createIndex('audit_events_actor_kind_at').on('audit_events').columns(['actor_kind', 'at']).execute();
  await db.schema.createIndex('audit_events_action_at').on('audit_events').columns(['action', 'at']).execute();
  await db.schema.createIndex('contracts_ends_on').on('contracts').column('ends_on').execute();
  await db.schema.createIndex('contracts_starts_on').on('contracts').column('starts_on').execute();
}

/** The one place the append-only rule is lifted: back-filling a column that did not exist when the rows were written. */
async function withAuditWritable(db: Kysely<any>, fill: () => Promise<void>): Promise<void> {
  if (await isPostgres(db)) {
    await sql`alter table audit_events disable trigger audit_events_no_update`.execute(db);
    await fill();
    await sql`alter table audit_events enable trigger audit_events_no_update`.execute(db);
  } else {
    await sql`drop trigger if exists audit_events_no_update`.execute(db);
    await fill();
    await sql`create trigger audit_events_no_update before update on audit_events
      begin select raise(abort, 'audit_events is append-only'); end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('contracts_starts_on').ifExists().execute();
  await db.schema.dropIndex('contracts_ends_on').ifExists().execute();
  await db.schema.dropIndex('audit_events_action_at').ifExists().execute();
  await db.schema.dropIndex('audit_events_actor_kind_at').ifExists().execute();
  await db.schema.dropIndex('audit_events_at').ifExists().execute();
  await db.schema.alterTable('audit_events').dropColumn('actor_staff_id').execute();
  await db.schema.alterTable('audit_events').dropColumn('actor_kind').execute();
  await db.schema.dropTable('import_runs').ifExists().execute();
  await db.schema.dropTable('staff_sessions').ifExists().execute();
  await db.schema.dropTable('staff_recovery_codes').ifExists().execute();
  await db.schema.dropTable('staff_invitations').ifExists().execute();
  await db.schema.dropTable('staff').ifExists().execute();
}
