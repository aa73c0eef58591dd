import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { emitWebhookEvent } from './webhook-events.ts';
import { postWebhook } from './webhook-post.ts';
import { WebhookWorker } from './webhook-worker.ts';

/**
 * A receiver that answers what no well-behaved one would: control
 * characters and NUL bytes in its error page (PostgreSQL refuses a NUL in
 * text, so the try could not be recorded and the delivery went round
 * without backoff or dead letter), a body that never ends.
 */
let rt: TestRuntime;
let server: Server;
let answer: (res: import('node:http').ServerResponse) => void = (res) => res.end();
const dev = { allowLocalhost: true, allowPrivateNetworks: false };

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false, env: { WEBHOOK_ALLOW_LOCALHOST: 'true' } });
  server = createServer((req, res) => {
    req.resume();
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rt.close();
});

const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;

describe('a hostile receiver', () => {
  it('its error text is kept printable: no NUL or other control character reaches the log of tries', async () => {
    answer = (res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('mal\u0000\u0001\u001b[31mrojo\u007f\u200b fin');
    const t = await postWebhook(url(), {}, '{}', { timeoutMs: 2_000, policy: dev });
    expect(t.ok).toBe(false);
    expect(t.error).toBe('HTTP 500: mal [31mrojo fin');
  });

  it('a body that never ends is cut at the excerpt, not read to the timeout', async () => {
    answer = (res) => {
      res.writeHead(503);
      const drip = setInterval(() => res.write('x'.repeat(1024)), 5);
      res.on('close', () => clearInterval(drip));
    };
    const t = await postWebhook(url(), {}, '{}', { timeoutMs: 5_000, policy: dev });
    expect(t.status).toBe(503);
    expect(t.error!.length).toBeLessThan(220);
    expect(t.durationMs).toBeLessThan(2_000);
  });

  it('the worker records such a try on either database, and the delivery backs off as for any failure', async () => {
    answer = (res) => res.writeHead(500).end('\u0000\u0000error\u0000');
    const db = rt.deps.db;
    const now = rt.clock.now().toISOString();
    await db.insertInto('webhook_endpoints').values({ id: 'hostil', url: url(), description: 'Hostil', events: 'customer.disabled', secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`, created_at: now, created_by_label: 'pruebas', updated_at: now, disabled_at: null, revision: 0 }).execute();
    const eventId = await db.transaction().execute((trx) =>
      emitWebhookEvent(trx, 'customer.disabled', { customer: { id: 'c-1', rut: '76543210-3', name: 'Cliente', disabledAt: now } }, rt.clock.now()),
    );
    const w = new WebhookWorker({ db, clock: rt.clock, log: pino({ level: 'silent' }), policy: dev, timeoutMs: 2_000, maxAttempts: 3, retryBaseMs: 60_000, maxBackoffMs: 480_000, leaseMs: 5_000, random: () => 0.5 });
    try {
      await w.runOnce();
    } finally {
      await w.stop();
    }
    const d = await db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', eventId!).executeTakeFirstOrThrow();
    expect(d.attempts).toBe(1);
    expect(Date.parse(d.next_attempt_at!)).toBeGreaterThan(rt.clock.now().getTime());
    const tries = await db.selectFrom('webhook_delivery_attempts').select(['status', 'error']).where('delivery_id', '=', d.id).execute();
    expect(tries).toEqual([{ status: 500, error: 'HTTP 500: error' }]);
  });
});
