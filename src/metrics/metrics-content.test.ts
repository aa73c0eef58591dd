import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { signedIn } from '../../tests/help-fixtures.ts';
import { METRICS_TOKEN, labelValues, parseExposition, scrape, valueOf } from '../../tests/metrics-scrape.ts';
import { queueSecretMail } from '../../tests/outbox-states.ts';
import { signInThroughForms } from '../../tests/staff-auth-helpers.ts';
import { createTestStaff, totpCode } from '../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { discardMail } from '../mail/discard-mail.ts';
import { FREE_PER_SOURCE } from '../auth/password-attempt.ts';
import { FREE_RESETS_PER_ACCOUNT } from '../auth/password-reset.ts';
import { cliOperator } from '../auth/principal.ts';
import { FREE_CODE_ATTEMPTS } from '../staff/second-factor.ts';
import { OUTBOX_READ_TIMEOUT_MS } from './outbox-metrics.ts';

// What /metrics says, on both databases: every family, and each moving with what it counts.

let rt: TestRuntime;
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime({ env: { METRICS_TOKEN } });
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
}, 60_000);
afterAll(() => rt.close());

describe('/metrics content', () => {
  it('has every family, Node’s own metrics prefixed portal_, and the pool only on PostgreSQL', async () => {
    const res = await rt.app.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await res.text();
    const families = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.fromEntries([...families].filter(([name]) => !name.startsWith('portal_process_') && !name.startsWith('portal_nodejs_')))).toEqual({
      portal_http_request_duration_seconds: 'histogram',
      portal_sign_ins_total: 'counter',
      portal_throttle_refusals_total: 'counter',
      portal_search_duration_seconds: 'histogram',
      portal_reader_pages_total: 'counter',
      portal_searches_total: 'counter',
      portal_outbox_pending: 'gauge',
      portal_outbox_oldest_pending_age_seconds: 'gauge',
      portal_outbox_dead_letters: 'gauge',
      portal_webhook_deliveries_pending: 'gauge',
      portal_webhook_oldest_pending_age_seconds: 'gauge',
      portal_webhook_dead_letters: 'gauge',
      portal_cache_requests_total: 'counter',
      portal_api_rate_limit_store_errors_total: 'counter',
      ...(rt.deps.dialect === 'postgres' ? { portal_db_pool_connections: 'gauge', portal_db_pool_max_connections: 'gauge', portal_change_signal_connected: 'gauge', portal_change_signal_barriers_total: 'counter' } : {}),
    });
    for (const name of ['portal_process_cpu_user_seconds_total', 'portal_process_resident_memory_bytes', 'portal_nodejs_eventloop_lag_p99_seconds', 'portal_nodejs_heap_size_used_bytes']) {
      expect(families.has(name), name).toBe(true);
    }
    // PostgreSQL: the caches' LISTEN connection is up in a running test portal.
    if (rt.deps.dialect === 'postgres') expect(valueOf(parseExposition(text), 'portal_change_signal_connected')).toBe(1);
    // No unprefixed name: every family is the portal's.
    expect([...families.keys()].filter((n) => !n.startsWith('portal_'))).toEqual([]);
  });

  it('counts customer sign-ins by outcome, and the throttle that refused', async () => {
    const before = await scrape(rt);
    const who = new TestClient(rt);
    expect((await who.signIn(customer.rut, customer.admin.email, customer.admin.password)).status).toBe(303);
    const guesser = new TestClient(rt);
    // The free attempts are wrong passwords; the one past them is refused by the account-from-this-address throttle.
    for (let i = 0; i < FREE_PER_SOURCE + 1; i++) expect((await guesser.signIn(customer.rut, customer.admin.email, 'no es la clave')).status).toBe(401);
    // An account that does not exist counts as what the page says: wrong credentials.
    expect((await new TestClient(rt).signIn(customer.rut, 'nadie@cliente.cl', 'x')).status).toBe(401);
    const after = await scrape(rt);
    const moved = (outcome: string) =>
      valueOf(after, 'portal_sign_ins_total', { audience: 'customer', outcome }) - valueOf(before, 'portal_sign_ins_total', { audience: 'customer', outcome });
    expect({ success: moved('success'), wrong: moved('wrong-credentials'), throttled: moved('throttled') }).toEqual({ success: 1, wrong: FREE_PER_SOURCE + 1, throttled: 1 });
    expect(
      valueOf(after, 'portal_throttle_refusals_total', { throttle: 'password-account-source' }) - valueOf(before, 'portal_throttle_refusals_total', { throttle: 'password-account-source' }),
    ).toBe(1);
    // The label is the kind of throttle, never its key (an account and an address).
    expect([...labelValues(after, 'portal_throttle_refusals_total', 'throttle')].sort()).toEqual(
      ['api-token', 'other', 'password-account-source', 'password-account-unknown-devices', 'password-address', 'reset-account', 'reset-address', 'second-factor'].sort(),
    );
  });

  it('counts a password-reset request the throttle refused, by its kind', async () => {
    const before = await scrape(rt);
    const client = new TestClient(rt);
    // The account's allowance (5 free), then one more: refused, with the same answer on the page.
    for (let i = 0; i < FREE_RESETS_PER_ACCOUNT + 1; i++) expect((await client.post('/recuperar', { rut: customer.rut, email: customer.admin.email })).status).toBeLessThan(400);
    const after = await scrape(rt);
    const moved = (throttle: string) => valueOf(after, 'portal_throttle_refusals_total', { throttle }) - valueOf(before, 'portal_throttle_refusals_total', { throttle });
    expect(moved('reset-account')).toBe(1);
  });

  it('counts the console’s sign-in step by step: password, then the second factor', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const before = await scrape(rt);
    await signInThroughForms(rt, staff);
    const second = new TestClient(rt, {}, 'staff_csrf');
    expect((await second.post('/proveedor/ingresar', { email: staff.email, password: staff.password })).status).toBe(303);
    const wrongCode = totpCode(staff.totpSecret!, new Date(rt.clock.now().getTime() + 10 * 60_000));
    expect((await second.post('/proveedor/verificar', { code: wrongCode })).status).toBe(422);
    expect((await new TestClient(rt, {}, 'staff_csrf').post('/proveedor/ingresar', { email: staff.email, password: 'no es la clave' })).status).toBe(401);
    const after = await scrape(rt);
    const moved = (outcome: string) => valueOf(after, 'portal_sign_ins_total', { audience: 'staff', outcome }) - valueOf(before, 'portal_sign_ins_total', { audience: 'staff', outcome });
    expect({
      asked: moved('second-factor-asked'),
      success: moved('success'),
      failed: moved('second-factor-failed'),
      wrong: moved('wrong-credentials'),
    }).toEqual({ asked: 2, success: 1, failed: 1, wrong: 1 });
  });

  it('counts wrong console codes past their allowance as throttle="second-factor" and the sign-in as second-factor-throttled', async () => {
    const staff = await createTestStaff(rt.deps, 'admin');
    const client = new TestClient(rt, {}, 'staff_csrf');
    expect((await client.post('/proveedor/ingresar', { email: staff.email, password: staff.password })).status).toBe(303);
    const before = await scrape(rt);
    const wrongCode = totpCode(staff.totpSecret!, new Date(rt.clock.now().getTime() + 10 * 60_000));
    for (let i = 0; i < FREE_CODE_ATTEMPTS; i++) expect((await client.post('/proveedor/verificar', { code: wrongCode })).status).toBe(422);
    expect((await client.post('/proveedor/verificar', { code: wrongCode })).status).toBeGreaterThanOrEqual(400);
    const after = await scrape(rt);
    const moved = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved('portal_throttle_refusals_total', { throttle: 'second-factor' })).toBe(1);
    expect(moved('portal_sign_ins_total', { audience: 'staff', outcome: 'second-factor-throttled' })).toBe(1);
    expect(moved('portal_sign_ins_total', { audience: 'staff', outcome: 'second-factor-failed' })).toBe(FREE_CODE_ATTEMPTS);
  });

  it('times help searches and counts the ones that found nothing as result="none"', async () => {
    const reader = await signedIn(rt, customer);
    const before = await scrape(rt);
    expect((await reader.get('/ayuda/buscar?q=zzzqqxxw')).status).toBe(200);
    expect((await reader.get('/ayuda/buscar?q=cierre')).status).toBe(200);
    expect((await reader.get('/ayuda/sugerencias?q=cie')).status).toBe(200);
    const after = await scrape(rt);
    const moved = (kind: string, result: string) => valueOf(after, 'portal_searches_total', { kind, result }) - valueOf(before, 'portal_searches_total', { kind, result });
    expect({ none: moved('search', 'none'), found: moved('search', 'found'), suggestions: moved('suggestions', 'found') }).toEqual({ none: 1, found: 1, suggestions: 1 });
    expect(valueOf(after, 'portal_search_duration_seconds_count', { kind: 'search' }) - valueOf(before, 'portal_search_duration_seconds_count', { kind: 'search' })).toBe(2);
    expect(valueOf(after, 'portal_search_duration_seconds_sum', { kind: 'search' })).toBeGreaterThan(0);
  });

  it('labels a request with its route pattern, never the raw path', async () => {
    const reader = await signedIn(rt, customer);
    const before = await scrape(rt);
    expect((await reader.get('/ayuda/contabilidad/cierre-mensual')).status).toBe(200);
    expect((await reader.get('/ayuda/contabilidad/no-existe-este-articulo')).status).toBe(404);
    const after = await scrape(rt);
    const count = (s: typeof after, status: string) => valueOf(s, 'portal_http_request_duration_seconds_count', { method: 'GET', route: '/ayuda/:system/:article', status });
    expect(count(after, '200') - count(before, '200')).toBe(1);
    expect(count(after, '404') - count(before, '404')).toBe(1);
    const routes = labelValues(after, 'portal_http_request_duration_seconds_bucket', 'route');
    expect([...routes].filter((r) => r.includes('cierre-mensual') || r.includes('no-existe'))).toEqual([]);
    // A bucket per bound and +Inf, cumulative.
    const buckets = after.filter((s) => s.name === 'portal_http_request_duration_seconds_bucket' && s.labels.route === '/ayuda/:system/:article' && s.labels.status === '200');
    expect(buckets.at(-1)!.labels.le).toBe('+Inf');
    expect(buckets.at(-1)!.value).toBe(count(after, '200'));
  });

  it('reads the outbox at scrape time: pending, the oldest one’s age, dead letters (not the discarded)', async () => {
    await rt.deps.db.deleteFrom('outbox').execute();
    const empty = await scrape(rt);
    expect([valueOf(empty, 'portal_outbox_pending'), valueOf(empty, 'portal_outbox_oldest_pending_age_seconds'), valueOf(empty, 'portal_outbox_dead_letters')]).toEqual([0, 0, 0]);
    await queueSecretMail(rt, 'uno@cliente.cl', 'pending');
    rt.clock.advance(90_000);
    await queueSecretMail(rt, 'dos@cliente.cl', 'failed');
    await queueSecretMail(rt, 'tres@cliente.cl', 'dead');
    await queueSecretMail(rt, 'cuatro@cliente.cl', 'sent');
    const discarded = await queueSecretMail(rt, 'cinco@cliente.cl', 'pending');
    await discardMail(rt.deps, cliOperator('prueba'), discarded);
    rt.clock.advance(30_000);
    const s = await scrape(rt);
    expect(valueOf(s, 'portal_outbox_pending')).toBe(2);
    expect(valueOf(s, 'portal_outbox_oldest_pending_age_seconds')).toBe(120);
    expect(valueOf(s, 'portal_outbox_dead_letters')).toBe(1);
  });

  it('counts the shared caches’ hits and misses by name', async () => {
    const cache = rt.deps.caches.create<string>({ name: 'metrics-test', tables: ['help_articles'], maxEntries: 10 });
    await cache.get('k', async () => 'v');
    await cache.get('k', async () => 'v');
    const s = await scrape(rt);
    const { hits, misses } = cache.stats();
    expect(hits + misses).toBe(2);
    expect(valueOf(s, 'portal_cache_requests_total', { cache: 'metrics-test', result: 'hit' })).toBe(hits);
    expect(valueOf(s, 'portal_cache_requests_total', { cache: 'metrics-test', result: 'miss' })).toBe(misses);
  });

  it.runIf(process.env.DATABASE_URL?.startsWith('postgres'))('shows the PostgreSQL pool: total, idle, and queries waiting for a connection, even while none is free', async () => {
    // Hold every connection (the test runtime's pool has 4) and queue one more query behind them.
    const max = valueOf(await scrape(rt), 'portal_db_pool_max_connections');
    expect(max).toBe(4);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holders = Array.from({ length: max }, () => rt.deps.db.connection().execute(async () => held));
    await new Promise((r) => setTimeout(r, 200));
    // It waits past the pool's connect timeout during the scrape below and gives up: that is the pool's rule, not the test's subject.
    const waiting = rt.deps.db.selectFrom('customers').select('id').execute().catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    // The scrape itself needs a connection for the outbox: read the registry directly, the pool's numbers come from pg.Pool's counts.
    const samples = parseExposition(await rt.deps.metrics.registry.getSingleMetricAsString('portal_db_pool_connections'));
    expect(valueOf(samples, 'portal_db_pool_connections', { state: 'total' })).toBe(max);
    expect(valueOf(samples, 'portal_db_pool_connections', { state: 'idle' })).toBe(0);
    expect(valueOf(samples, 'portal_db_pool_connections', { state: 'waiting' })).toBe(1);
    // A whole scrape meanwhile still answers, well inside a scrape timeout, and shows the queue: it gives up
    // on the outbox after OUTBOX_READ_TIMEOUT_MS (the pool would hold its query 5 s) and reads NaN there.
    const startedMs = performance.now();
    const during = await scrape(rt);
    expect(performance.now() - startedMs).toBeLessThan(OUTBOX_READ_TIMEOUT_MS + 1_000);
    expect(valueOf(during, 'portal_db_pool_connections', { state: 'waiting' })).toBe(1);
    expect(Number.isNaN(valueOf(during, 'portal_outbox_pending'))).toBe(true);
    release();
    await Promise.all([...holders, waiting]);
    const after = await scrape(rt);
    expect(valueOf(after, 'portal_db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(valueOf(after, 'portal_db_pool_connections', { state: 'idle' })).toBeGreaterThan(0);
  });
});
