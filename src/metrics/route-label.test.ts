import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin } from '../../tests/factories.ts';
import { encodeSegment, prng } from '../../tests/fuzz/hostile-inputs.ts';
import { signedIn } from '../../tests/help-fixtures.ts';
import { METRICS_TOKEN, labelValues, scrape, valueOf } from '../../tests/metrics-scrape.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { UNMATCHED } from './route-label.ts';

// The route label is a pattern from the code, whatever the path: hostile paths must not make new series.

let rt: TestRuntime;
let admin: TestClient;

beforeAll(async () => {
  rt = await createTestRuntime({ env: { METRICS_TOKEN } });
  const customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  admin = await signedIn(rt, customer);
}, 60_000);
afterAll(() => rt.close());

const HISTOGRAM = 'portal_http_request_duration_seconds_count';
const count = async (labels: Record<string, string>) => valueOf(await scrape(rt), HISTOGRAM, labels);

async function moved(labels: Record<string, string>, request: () => Response | Promise<Response>, status: number): Promise<number> {
  const before = await count({ ...labels, status: String(status) });
  expect((await request()).status).toBe(status);
  return (await count({ ...labels, status: String(status) })) - before;
}

describe('the route label', () => {
  it('is the matched pattern, the route a middleware refused on the way, or "unmatched"', async () => {
    expect(await moved({ method: 'GET', route: '/ayuda/:system' }, () => admin.get('/ayuda/contabilidad'), 200)).toBe(1);
    expect(await moved({ method: 'GET', route: '/salud' }, () => rt.app.request('/salud'), 200)).toBe(1);
    // A path no route has: the customer app's 404, and the console's catch-all.
    expect(await moved({ method: 'GET', route: UNMATCHED }, () => rt.app.request('/no/existe/nada'), 404)).toBe(1);
    expect(await moved({ method: 'GET', route: UNMATCHED }, () => rt.app.request('/proveedor/no-existe'), 404)).toBe(1);
    // Refused by CSRF before the handler: still labelled with the route it was for.
    expect(await moved({ method: 'POST', route: '/ingresar' }, () => rt.app.request('/ingresar', { method: 'POST', body: 'rut=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 403)).toBe(1);
    // Sent to sign in by a guard: the page it guarded.
    expect(await moved({ method: 'GET', route: '/servicios' }, () => rt.app.request('/servicios'), 303)).toBe(1);
    // A method no route has is one "other", and matches no route (the CSRF check refuses its missing body type).
    expect(await moved({ method: 'other', route: UNMATCHED }, () => rt.app.request('/ingresar', { method: 'PROPFIND' }), 415)).toBe(1);
    // A thrown error is counted with the status the client got.
    expect(await moved({ method: 'GET', route: '/ayuda/:system/:article' }, () => admin.get('/ayuda/contabilidad/no-hay-tal'), 404)).toBe(1);
  });

  it('takes no value from hostile paths: every route label is a pattern of the app, however many paths are tried', async () => {
    const patterns = new Set([...rt.app.routes.map((r) => r.path), UNMATCHED]);
    const rng = prng(20261201);
    const prefixes = ['/', '/ayuda/', '/ayuda/contabilidad/', '/proveedor/', '/proveedor/clientes/', '/static/', '/usuarios/', '/cuenta/', '/metrics/', '/dev/correo/'];
    const NASTY = ['..', '%2e%2e%2f', '%00', '%ZZ', '<script>', "' or 1=1 --", 'ñandú', '🦙', 'x'.repeat(3000), '%0D%0Ax', '//evil.example', ''];
    const hostile = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const depth = 1 + rng.int(4);
        const path = rng.pick(prefixes) + Array.from({ length: depth }, () => (rng.next() < 0.5 ? encodeSegment(rng, rng.pick(NASTY)) : `r${rng.int(1_000_000)}`)).join('/');
        const who = rng.next() < 0.5 ? admin : null;
        const method = rng.pick(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'MKCOL', 'X-ANYTHING']);
        try {
          if (who && method === 'GET') await who.get(path);
          else await rt.app.request(path, { method, headers: { 'x-forwarded-for': '198.18.7.1' } });
        } catch (err) {
          if (err instanceof TypeError) continue; // a URL fetch itself refuses to build
          throw err;
        }
      }
    };
    await hostile(300);
    const first = await scrape(rt);
    const routes = labelValues(first, 'portal_http_request_duration_seconds_bucket', 'route');
    expect([...routes].filter((r) => !patterns.has(r))).toEqual([]);
    expect([...labelValues(first, 'portal_http_request_duration_seconds_bucket', 'method')].filter((m) => !['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'other'].includes(m))).toEqual([]);
    // Three hundred more new paths: no new series at all.
    const seriesBefore = first.filter((s) => s.name === HISTOGRAM).length;
    await hostile(300);
    const second = await scrape(rt);
    expect([...labelValues(second, 'portal_http_request_duration_seconds_bucket', 'route')].filter((r) => !patterns.has(r))).toEqual([]);
    expect(second.filter((s) => s.name === HISTOGRAM).length - seriesBefore).toBeLessThanOrEqual(5);
  }, 120_000);
});
