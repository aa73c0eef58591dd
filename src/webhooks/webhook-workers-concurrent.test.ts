import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, type Runtime } from '../boot.ts';
import { loadConfig } from '../config.ts';
import { isPostgresUrl } from '../db/create-db.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { WebhookReceiver } from '../../tests/webhook-receiver.ts';
import { emitWebhookEvent } from './webhook-events.ts';

// Two portal runtimes on one database (one PostgreSQL schema, or a SQLite
// file), each with its own delivery worker running on its timers, as two
// instances behind a balancer: every event reaches the receiver exactly once
// with a 2xx, and no delivery is ever being sent by both at the same moment,
// even with a slow receiver and retries.

let work: string;
let database: TestDatabase;
let a: Runtime;
let b: Runtime;
let receiver: WebhookReceiver;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How many deliveries each instance's worker made, read from its log. */
const deliveredBy = { a: 0, b: 0 };
const countingLog = (who: 'a' | 'b') =>
  pino({ level: 'info' }, { write: (line: string) => void (JSON.parse(line).msg === 'webhook delivered' && deliveredBy[who]++) });

async function bootPortal(who: 'a' | 'b'): Promise<Runtime> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost', WEBHOOK_ALLOW_LOCALHOST: 'true' });
  // Real time here (the receiver checks timestamps against it); retries after 20-50 ms.
  return boot(config, pino({ level: 'silent' }), {
    ...(database.schema ? { db: { searchPath: database.schema, poolSize: 4 } } : {}),
    webhooks: { log: countingLog(who), pollMs: 15, timeoutMs: 2_000, retryBaseMs: 20, maxBackoffMs: 50, maxAttempts: 10, leaseMs: 10_000 },
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'webhook-workers-'));
  const env = process.env.DATABASE_URL;
  database = env && isPostgresUrl(env) ? await createTestDatabase('whw') : { url: join(work, 'portal.sqlite'), schema: undefined, drop: async () => {} };
  a = await bootPortal('a');
  b = await bootPortal('b');
  receiver = new WebhookReceiver(() => new Date());
  await receiver.start();
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await receiver?.stop();
  await database?.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('two instances delivering at once', () => {
  it('each event delivered exactly once, never sent by both at the same time, every try recorded', { timeout: 60_000 }, async () => {
    await receiver.register(a.deps.db, ['customer.disabled']);
    const N = 40;
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const id = await a.deps.db.transaction().execute((trx) =>
        emitWebhookEvent(trx, 'customer.disabled', { customer: { id: `c${i}`, rut: '76543210-3', name: `Cliente ${i}`, disabledAt: new Date().toISOString() } }, new Date()),
      );
      ids.push(id!);
    }
    // A slow receiver that fails the first try of every third event.
    const failFirst = new Set(ids.filter((_, i) => i % 3 === 0));
    receiver.answer = async (w, nth) => {
      await sleep(5 + Math.floor(Math.random() * 25));
      return failFirst.has(w.id) && nth === 1 ? 500 : 200;
    };
    a.webhooks.start();
    b.webhooks.start();
    const deadline = Date.now() + 45_000;
    for (;;) {
      const left = await a.deps.db.selectFrom('webhook_deliveries').select('id').where('delivered_at', 'is', null).execute();
      if (left.length === 0) break;
      if (Date.now() > deadline) throw new Error(`${left.length} deliveries still pending`);
      await sleep(50);
    }
    await Promise.all([a.webhooks.stop(), b.webhooks.stop()]);
    expect(receiver.badSignatures).toBe(0);
    expect(receiver.overlaps).toBe(0);
    // Both instances did part of the work (else the test would prove nothing about two of them).
    expect(deliveredBy.a).toBeGreaterThan(0);
    expect(deliveredBy.b).toBeGreaterThan(0);
    expect(deliveredBy.a + deliveredBy.b).toBe(N);
    const successes = receiver.successes();
    expect(successes.sort()).toEqual([...ids].sort());
    expect(receiver.received).toHaveLength(N + failFirst.size);
    const attempts = await a.deps.db.selectFrom('webhook_delivery_attempts').select(['status']).execute();
    expect(attempts).toHaveLength(N + failFirst.size);
    expect(attempts.filter((t) => t.status === 500)).toHaveLength(failFirst.size);
    const rows = await a.deps.db.selectFrom('webhook_deliveries').select(['attempts', 'event_id', 'locked_by']).execute();
    for (const r of rows) {
      expect(r.attempts).toBe(failFirst.has(r.event_id) ? 2 : 1);
      expect(r.locked_by).toBeNull();
    }
  });
});
