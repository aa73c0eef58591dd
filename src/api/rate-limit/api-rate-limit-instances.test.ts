import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main.ts';
import { startPortalInstances, type PortalInstances } from '../../../tests/portal-instances.ts';

/**
 * Two portal processes on one PostgreSQL schema share each token's limit:
 * the counter is a row in api_rate_limits, not a number in either
 * process's memory. The token is made by the real `portal api-token create`.
 */
const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') ?? false;
const LIMIT = 40;

describe.runIf(onPostgres)('API rate limit across two instances', { timeout: 120_000 }, () => {
  let portal: PortalInstances;
  let token: string;

  beforeAll(async () => {
    portal = await startPortalInstances(2, { env: { API_RATE_LIMIT_PER_MINUTE: String(LIMIT), API_RATE_LIMIT_BURST: '0' } });
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = portal.databaseUrl;
    const out: string[] = [];
    try {
      expect(await runCli(['api-token', 'create', '--name', 'Compartido', '--scopes', 'customers:read', '--json'], (s) => out.push(s), () => {})).toBe(0);
    } finally {
      process.env.DATABASE_URL = saved;
    }
    token = JSON.parse(out.join(''))?.token;
  }, 120_000);
  afterAll(() => portal?.close());

  const call = (i: number) =>
    fetch(`${portal.instances[i % 2]!.url}/api/v1/systems`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({ status: r.status, instance: i % 2, retryAfter: r.headers.get('retry-after'), body: await r.text() }));

  it('counts one limit for the token whichever instance answers', async () => {
    // Half the limit, one call at a time, alternating: each instance has counted some.
    for (let i = 0; i < LIMIT / 2; i++) expect((await call(i)).status).toBe(200);
    // Then 200 at once across both: only the other half passes (each instance alone would let LIMIT through).
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => call(i)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(LIMIT / 2);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(200 - LIMIT / 2);
    expect(new Set(refused.map((a) => a.instance))).toEqual(new Set([0, 1]));
    for (const r of refused) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(r.body)).toMatchObject({ status: 429, code: 'rate-limited' });
    }
    // One audit row for the refusals, whichever instance refused first.
    const audited = await portal.db.selectFrom('audit_events').select('actor_label').where('action', '=', 'api.rate-limited').execute();
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actor_label).toBe(`api:Compartido (${token.slice(0, 12)})`);
  });
});
