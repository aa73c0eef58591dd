import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tests/free-port.ts';
import { METRICS_TOKEN, parseExposition } from '../../tests/metrics-scrape.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { loadConfig } from '../config.ts';
import { ManualClock } from '../clock.ts';
import { BearerTokenGuard, FREE_WRONG_TOKENS, WINDOW_MS } from './bearer-token-guard.ts';
import { metricsAccess } from './metrics-access.ts';
import { startMetricsListener } from './metrics-listener.ts';

// Who may read /metrics: with the token on the main port, anyone who reaches METRICS_PORT, nobody otherwise.

const runtimes: TestRuntime[] = [];
async function runtime(env: Record<string, string>): Promise<TestRuntime> {
  const rt = await createTestRuntime({ env, withHelp: false });
  runtimes.push(rt);
  return rt;
}
afterAll(async () => {
  for (const rt of runtimes) await rt.close();
});

const get = (rt: TestRuntime, headers: Record<string, string> = {}) => rt.app.request('/metrics', { headers: { 'x-forwarded-for': '203.0.113.7', ...headers } });

describe('/metrics with METRICS_TOKEN', () => {
  it('answers 401 with a Bearer challenge without the token or with a wrong one, and the exposition with the right one; never cached', async () => {
    const rt = await runtime({ METRICS_TOKEN });
    const missing = await get(rt);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(missing.headers.get('cache-control')).toBe('no-store');
    expect(await missing.text()).toContain('Falta la credencial');

    for (const authorization of [`Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`, METRICS_TOKEN, 'Bearer ', `Bearer ${'a'.repeat(10_000)}`]) {
      const res = await get(rt, { authorization, 'x-forwarded-for': '203.0.113.8' });
      expect(res.status, authorization.slice(0, 40)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="metrics"/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      // Nothing of the exposition leaks with a refusal.
      expect(await res.text()).not.toContain('portal_');
    }

    const ok = await get(rt, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(ok.headers.get('cache-control')).toBe('no-store');
    // No session, no CSRF cookie: nothing of the browser apps ran.
    expect(ok.headers.getSetCookie()).toEqual([]);
    expect(parseExposition(await ok.text()).some((s) => s.name === 'portal_sign_ins_total')).toBe(true);
    // The scheme is case-insensitive (RFC 7235).
    expect((await get(rt, { authorization: `bearer ${METRICS_TOKEN}` })).status).toBe(200);
  });

  it('answers 429 to an address past its wrong tokens until the minute is over, and the right token still reads', async () => {
    const rt = await runtime({ METRICS_TOKEN });
    const from = { 'x-forwarded-for': '198.18.9.9' };
    for (let i = 0; i < FREE_WRONG_TOKENS; i++) expect((await get(rt, { ...from, authorization: `Bearer intento-${i}` })).status).toBe(401);
    const refused = await get(rt, { ...from, authorization: 'Bearer otro-intento' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get(rt, from)).status).toBe(429);
    // Prometheus behind the same address (a NAT, a proxy TRUST_PROXY does not see through) is not locked out by a guesser.
    expect((await get(rt, { ...from, authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
    rt.clock.advance(WINDOW_MS);
    expect((await get(rt, { ...from, authorization: 'Bearer otro-intento' })).status).toBe(401);
  });

  it('a guesser with many addresses (every one past the ones remembered shares a count) cannot lock Prometheus out', () => {
    // Straight on the guard: 10,000 addresses through app.request would take the test's whole budget for the same code path.
    const clock = new ManualClock(new Date('2026-12-01T12:00:00Z'));
    const guard = new BearerTokenGuard(METRICS_TOKEN, clock);
    for (let i = 0; i < 10_000 + FREE_WRONG_TOKENS + 5; i++) guard.check('Bearer intento', `2001:db8::${i.toString(16)}`);
    // A fresh address beyond the remembered ones: a wrong token is refused unread, the right one is read.
    expect(guard.check('Bearer intento', '192.0.2.200')).toBe('throttled');
    expect(guard.check(`Bearer ${METRICS_TOKEN}`, '192.0.2.201')).toBe('ok');
  });
});

describe('/metrics with neither METRICS_TOKEN nor METRICS_PORT', () => {
  it('is not served: 404 like any unknown page, with or without a token', async () => {
    const rt = await runtime({});
    for (const headers of [{}, { authorization: `Bearer ${METRICS_TOKEN}` }] as Array<Record<string, string>>) {
      const res = await get(rt, headers);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('La página que busca no existe');
    }
    // And no process metrics were started for it.
    expect(await rt.deps.metrics.registry.getSingleMetric('portal_process_cpu_user_seconds_total')).toBeUndefined();
  });

  it('a token shorter than 32 characters, or with a space, is refused at start', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'corta' })).toThrow(/METRICS_TOKEN/);
    // Nor one with a space inside: the Authorization header carries one word, so no scrape could ever match it.
    expect(() => loadConfig({ METRICS_TOKEN: `${'a'.repeat(20)} ${'b'.repeat(20)}` })).toThrow(/METRICS_TOKEN no puede llevar espacios/);
    expect(() => loadConfig({ METRICS_TOKEN: `${'a'.repeat(40)}\n` })).toThrow(/METRICS_TOKEN no puede llevar espacios/);
  });
});

describe('/metrics on METRICS_PORT', () => {
  it('serves only /metrics there, without a token, and the main port no longer serves it', async () => {
    const rt = await runtime({ METRICS_PORT: String(await freePort()) });
    const access = metricsAccess(rt.config);
    expect(access).toEqual({ mainPort: null, ownPort: { port: rt.config.metricsPort, host: '127.0.0.1', token: null } });
    const listener = await startMetricsListener(rt.deps.metrics, access.ownPort!, { clock: rt.clock, log: pino({ level: 'silent' }), headersTimeoutMs: 5_000, requestTimeoutMs: 5_000 });
    try {
      const base = `http://127.0.0.1:${listener.port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(parseExposition(await res.text()).some((s) => s.name === 'portal_process_cpu_user_seconds_total')).toBe(true);
      // Nothing else of the portal is there.
      for (const path of ['/', '/ingresar', '/salud', '/metrics/x', '/proveedor']) expect((await fetch(`${base}${path}`)).status, path).toBe(404);
      // The main port: not served, whatever is sent.
      expect((await get(rt)).status).toBe(404);
      expect((await get(rt, { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(404);
    } finally {
      await listener.close();
    }
    // Closed means closed: the port is free again.
    await expect(fetch(`http://127.0.0.1:${listener.port}/metrics`)).rejects.toThrow();
  });

  it('asks for the token there too when METRICS_TOKEN is also set, and still not on the main port', async () => {
    const rt = await runtime({ METRICS_PORT: String(await freePort()), METRICS_TOKEN });
    const access = metricsAccess(rt.config);
    expect(access.mainPort).toBeNull();
    const listener = await startMetricsListener(rt.deps.metrics, access.ownPort!, { clock: rt.clock, log: pino({ level: 'silent' }), headersTimeoutMs: 5_000, requestTimeoutMs: 5_000 });
    try {
      const base = `http://127.0.0.1:${listener.port}/metrics`;
      const without = await fetch(base);
      expect(without.status).toBe(401);
      expect(without.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect((await fetch(base, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
      expect((await get(rt, { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(404);
    } finally {
      await listener.close();
    }
  });

  it('refuses to start when the port is taken', async () => {
    const rt = await runtime({ METRICS_PORT: String(await freePort()) });
    const where = metricsAccess(rt.config).ownPort!;
    const opts = { clock: rt.clock, log: pino({ level: 'silent' }), headersTimeoutMs: 5_000, requestTimeoutMs: 5_000 };
    const first = await startMetricsListener(rt.deps.metrics, where, opts);
    try {
      await expect(startMetricsListener(rt.deps.metrics, where, opts)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});
