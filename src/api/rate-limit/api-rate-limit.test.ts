import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiPortal, type ApiPortal, type ApiResponse } from '../../../tests/api-client.ts';
import { parseExposition, valueOf } from '../../../tests/metrics-scrape.ts';
import { sqliteRateLimitFile } from './rate-limit-store.ts';

/**
 * The per-token limit over real HTTP, on each store the portal uses: the
 * PostgreSQL table (DATABASE_URL=postgres://…), the SQLite file beside a
 * database file, and memory for a throw-away database. Many calls at once
 * with one token: exactly the limit pass, the rest are 429 with Retry-After.
 */
const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') ?? false;
const work = mkdtempSync(join(tmpdir(), 'portal-rate-limit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const STORES = onPostgres ? [{ store: 'postgres', sqliteFile: undefined }] : [{ store: 'memory', sqliteFile: undefined }, { store: 'sqlite', sqliteFile: join(work, 'portal.sqlite') }];

const count = (rs: ApiResponse[], status: number) => rs.filter((r) => r.status === status).length;

describe.each(STORES)('API rate limit on the $store store', ({ store, sqliteFile }) => {
  let portal: ApiPortal;
  const LIMIT = 50;
  beforeAll(async () => {
    portal = await startApiPortal({ withHelp: true, ...(sqliteFile ? { sqliteFile } : {}), env: { API_RATE_LIMIT_PER_MINUTE: String(LIMIT), API_RATE_LIMIT_BURST: '0' } });
  });
  afterAll(() => portal.close());

  const auditRows = (action: string, tokenPrefix: string) =>
    portal.rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action).where('actor_label', 'like', `%(${tokenPrefix})`).execute();

  /** The minute counter's points as the store has them (PostgreSQL's table, or the SQLite file beside the database). */
  async function storedPoints(prefix: string): Promise<number> {
    const { id } = await portal.rt.deps.db.selectFrom('api_tokens').select('id').where('prefix', '=', prefix).executeTakeFirstOrThrow();
    const key = `api-rl-minute:${id}`;
    if (store === 'postgres') return Number((await sql<{ points: number }>`select points from api_rate_limits where key = ${key}`.execute(portal.rt.deps.db)).rows[0]!.points);
    const file = new SQLite(sqliteRateLimitFile(sqliteFile!), { fileMustExist: true });
    try {
      return (file.prepare('select points from api_rate_limits where key = ?').get(key) as { points: number }).points;
    } finally {
      file.close();
    }
  }

  it(`counts in the ${store} store`, () => {
    expect(portal.rt.deps.apiRateLimiter.storeKind).toBe(store);
  });

  it('lets exactly the limit through of 200 calls at once, refuses the rest with 429 and Retry-After, per token', async () => {
    const client = await portal.client(['customers:read'], 'ráfaga');
    const other = await portal.client(['customers:read'], 'vecino');
    const prefix = client.token!.slice(0, 12);
    const answers = await Promise.all(Array.from({ length: 200 }, () => client.get('/systems')));
    expect(count(answers, 200)).toBe(LIMIT);
    expect(count(answers, 429)).toBe(200 - LIMIT);
    // Each success saw its own count: the store counted atomically (no two calls read the same value).
    const remaining = answers.filter((r) => r.status === 200).map((r) => Number(r.headers.get('ratelimit-remaining')));
    expect(new Set(remaining).size).toBe(LIMIT);
    expect(Math.min(...remaining)).toBe(0);
    expect(Math.max(...remaining)).toBe(LIMIT - 1);
    for (const r of answers.filter((a) => a.status === 429)) {
      expect(r.headers.get('content-type')).toBe('application/problem+json');
      expect(r.body).toMatchObject({ status: 429, code: 'rate-limited' });
      expect(r.body.detail).toContain(`${LIMIT} por minuto`);
      const retry = Number(r.headers.get('retry-after'));
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(60);
      expect(r.headers.get('ratelimit-limit')).toBe(String(LIMIT));
      expect(r.headers.get('ratelimit-remaining')).toBe('0');
      expect(r.headers.get('ratelimit-reset')).toBe(r.headers.get('retry-after'));
    }
    // Another token has a limit of its own.
    const next = await other.get('/systems');
    expect(next.status).toBe(200);
    expect(next.headers.get('ratelimit-remaining')).toBe(String(LIMIT - 1));

    // Audited: each call that went through, and the refusals once (not 150 times).
    expect(await auditRows('api.request', prefix)).toHaveLength(LIMIT);
    const refused = await auditRows('api.rate-limited', prefix);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ actor_kind: 'api', target_label: `ráfaga (${prefix})` });
    expect(JSON.parse(refused[0]!.detail!)).toMatchObject({ method: 'GET', path: '/api/v1/systems', limitPerMinute: LIMIT });
    // Counted in /metrics.
    const samples = parseExposition(await portal.rt.deps.metrics.exposition());
    expect(valueOf(samples, 'portal_throttle_refusals_total', { throttle: 'api-token' })).toBe(200 - LIMIT);
    expect(valueOf(samples, 'portal_api_rate_limit_store_errors_total')).toBe(0);
  });

  it('still refuses a token past its limit once the first refusal was audited, without a second audit row in the minute', async () => {
    const client = await portal.client(['customers:read'], 'insistente');
    const prefix = client.token!.slice(0, 12);
    await Promise.all(Array.from({ length: LIMIT }, () => client.get('/systems')));
    expect((await client.get('/systems')).status).toBe(429);
    const counted = store === 'memory' ? 0 : await storedPoints(prefix);
    for (let i = 0; i < 5; i++) expect((await client.get('/systems')).status).toBe(429);
    expect(await auditRows('api.rate-limited', prefix)).toHaveLength(1);
    // Refused locally once the store said no: no write per hammering call.
    if (store !== 'memory') expect(await storedPoints(prefix)).toBe(counted);
  });

  if (store !== 'memory') {
    it('falls back to this instance’s memory with the same limit when the store fails, and says so in /metrics', async () => {
      if (store === 'postgres') await sql`drop table api_rate_limits`.execute(portal.rt.deps.db);
      // SQLite: the counters' file handle gone, as when its disk is lost.
      else portal.rt.deps.apiRateLimiter.close();
      const client = await portal.client(['customers:read'], 'sin almacén');
      const answers = await Promise.all(Array.from({ length: 80 }, () => client.get('/systems')));
      expect(count(answers, 200)).toBe(LIMIT);
      expect(count(answers, 429)).toBe(80 - LIMIT);
      expect(answers.some((r) => r.status >= 500)).toBe(false);
      const samples = parseExposition(await portal.rt.deps.metrics.exposition());
      expect(valueOf(samples, 'portal_api_rate_limit_store_errors_total')).toBeGreaterThanOrEqual(80);
    });
  }
});

describe('API rate limit with a burst reserve', () => {
  let portal: ApiPortal;
  beforeAll(async () => {
    portal = await startApiPortal({ withHelp: true, env: { API_RATE_LIMIT_PER_MINUTE: '10', API_RATE_LIMIT_BURST: '5' } });
  });
  afterAll(() => portal.close());

  it('lets the reserve through above the minute’s limit, then refuses; the policy header names both', async () => {
    const client = await portal.client(['customers:read']);
    const answers = await Promise.all(Array.from({ length: 40 }, () => client.get('/systems')));
    expect(count(answers, 200)).toBe(15);
    expect(count(answers, 429)).toBe(25);
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe('10;w=60, 5;w=600;comment="reserva"');
    expect(answers.find((r) => r.status === 429)!.body.detail).toContain('más una reserva de 5 cada 10 minutos');
  });
});

describe('the SQLite counters file', () => {
  it('sits beside the database file', () => {
    expect(sqliteRateLimitFile('data/portal.sqlite')).toBe('data/portal.sqlite-api-rate-limits');
  });
});
