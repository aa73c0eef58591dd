import type { Kysely } from 'kysely';

// The provisioning API (/api/v1) and the webhooks it comes with (issue 11).
// Plain text columns, the same on SQLite and PostgreSQL, like the rest.
//
// - api_tokens: a bearer token per vendor system, stored as its SHA-256
//   only; `prefix` is the part shown in the console and logs to tell them
//   apart ("mpt_3fa9c2d1"); scopes space-separated.
// - api_idempotency_keys: the answer a POST gave for an Idempotency-Key,
//   replayed for 24 h to the same token (status NULL while the first is
//   still running, so a second one at the same time waits or is refused).
// - webhook_endpoints: where staff want to hear about events, with the
//   Standard Webhooks secret that signs each delivery (it must sign, so it
//   is kept as is, like the SMTP password in the environment).
// - webhook_events: each event once, with its payload; `dedupe_key` makes
//   a dated event (a contract's start day) exist once however many
//   instances or runs of the scheduler see it.
// - webhook_deliveries: one row per event and endpoint, written in the
//   transaction of the change (the outbox pattern), claimed with a lease
//   like the mail outbox, retried with backoff, dead after the last try.
// - webhook_delivery_attempts: every try's answer, for the console's log.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_label', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('last_used_ip', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by_label', 'text')
    .execute();

  await db.schema
    .createTable('api_idempotency_keys')
    .addColumn('token_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('body_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('response_headers', 'text')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_idempotency_keys_pk', ['token_id', 'key'])
    .execute();
  await db.schema.createIndex('api_idempotency_keys_expiry').on('api_idempotency_keys').column('expires_at').execute();

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by_label', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .execute();

  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .execute();
  await db.schema.createIndex('webhook_events_created').on('webhook_events').column('created_at').execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id'))
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('dead_at', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addUniqueConstraint('webhook_deliveries_event_endpoint', ['event_id', 'endpoint_id'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['delivered_at', 'dead_at', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_delivery_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_delivery_attempts_delivery').on('webhook_delivery_attempts').columns(['delivery_id', 'at']).execute();

  // Which API token acted, beside the staff and user columns (auth/principal.ts auditActor).
  await db.schema.alterTable('audit_events').addColumn('actor_api_token_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').dropColumn('actor_api_token_id').execute();
  for (const t of ['webhook_delivery_attempts', 'webhook_deliveries', 'webhook_events', 'webhook_endpoints', 'api_idempotency_keys', 'api_tokens']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
