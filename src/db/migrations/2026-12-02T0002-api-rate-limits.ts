import { sql, type Kysely } from 'kysely';
import { isPostgres } from './migration-dialect.ts';

// The API's per-token call counters (api/rate-limit/), PostgreSQL only:
// rate-limiter-flexible's RateLimiterPostgres reads and writes this table
// with its own SQL (key, points, expire in epoch milliseconds), every
// instance against the same rows. Made here rather than by the library at
// start, so instances need no DDL rights and never race to create it.
// SQLite keeps its counters in a file beside the database (rate-limit-store.ts
// says why), so there is nothing to make here.
// No change-notification trigger: no page shows a counter.
export async function up(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await sql`create table if not exists api_rate_limits (key varchar(255) primary key, points integer not null default 0, expire bigint)`.execute(db);
  // The library deletes expired rows every five minutes: by expiry, not by a scan of every key.
  await sql`create index if not exists api_rate_limits_expire on api_rate_limits (expire)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(await isPostgres(db))) return;
  await sql`drop table if exists api_rate_limits`.execute(db);
}
