import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, type Runtime } from '../boot.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { TEST_START } from '../../tests/test-runtime.ts';
import { emitWebhookEvent } from './webhook-events.ts';
import { purgeWebhookHistory } from './purge-webhook-history.ts';

let database: TestDatabase;
let rt: Runtime;
const clock = new ManualClock(TEST_START);
const DAY = 86_400_000;

beforeAll(async () => {
  database = await createTestDatabase('whp');
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost' });
  rt = await boot(config, pino({ level: 'silent' }), { clock, ...(database.schema ? { db: { searchPath: database.schema, poolSize: 2 } } : {}) });
});
afterAll(async () => {
  await rt?.close();
  await database?.drop();
});

describe('webhook history retention', () => {
  it('deletes old delivered and dead deliveries with their tries and events; pending ones and recent ones stay', async () => {
    const db = rt.deps.db;
    const at = clock.now().toISOString();
    await db.insertInto('webhook_endpoints').values({ id: randomUUID(), url: 'https://crm.ejemplo.cl/h', description: 'CRM', events: 'customer.disabled', secret: 'whsec_MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0', created_at: at, created_by_label: 't', updated_at: at, disabled_at: null }).execute();
    const emit = (key?: string) => db.transaction().execute((trx) => emitWebhookEvent(trx, 'customer.disabled', { customer: { id: 'c', rut: '76543210-3', name: 'C', disabledAt: at } }, clock.now(), key ? { dedupeKey: key } : {}));
    const [delivered, dead, pending] = [await emit(), await emit(), await emit()];
    await db.updateTable('webhook_deliveries').set({ delivered_at: at, attempts: 1 }).where('event_id', '=', delivered!).execute();
    await db.updateTable('webhook_deliveries').set({ dead_at: at, attempts: 12 }).where('event_id', '=', dead!).execute();
    for (const id of [delivered, dead]) {
      const d = await db.selectFrom('webhook_deliveries').select('id').where('event_id', '=', id!).executeTakeFirstOrThrow();
      await db.insertInto('webhook_delivery_attempts').values({ id: randomUUID(), delivery_id: d.id, at, status: 200, error: null, duration_ms: 5 }).execute();
    }
    clock.advance(100 * DAY);
    const recent = await emit();
    await db.updateTable('webhook_deliveries').set({ delivered_at: clock.now().toISOString() }).where('event_id', '=', recent!).execute();
    expect(await purgeWebhookHistory(db, new Date(clock.now().getTime() - 90 * DAY))).toEqual({ deliveries: 2, events: 2 });
    const left = await db.selectFrom('webhook_events').select('id').execute();
    expect(left.map((e) => e.id).sort()).toEqual([pending, recent].sort());
    expect(await db.selectFrom('webhook_delivery_attempts').select('id').execute()).toEqual([]);
    expect(await purgeWebhookHistory(db, new Date(clock.now().getTime() - 90 * DAY))).toEqual({ deliveries: 0, events: 0 });
  });

  it('WEBHOOK_RETENTION_DAYS must outlive the days a dated event can still fall due', () => {
    expect(loadConfig({ NODE_ENV: 'test', WEBHOOK_RETENTION_DAYS: '120' }).webhooks.retentionMs).toBe(120 * DAY);
    expect(() => loadConfig({ NODE_ENV: 'test', WEBHOOK_RETENTION_DAYS: '30' })).toThrow(/WEBHOOK_RETENTION_DAYS \(30\) debe ser al menos WEBHOOK_CATCH_UP_DAYS \+ 32 \(39\)/);
    expect(() => loadConfig({ NODE_ENV: 'test', WEBHOOK_TIMEOUT_SECONDS: '40' })).toThrow(/WEBHOOK_TIMEOUT_SECONDS \(40\) no puede pasar de la mitad de JOB_LEASE_SECONDS \(60\)/);
    expect(() => loadConfig({ NODE_ENV: 'test', WEBHOOK_TIMEOUT_SECONDS: '0' })).toThrow(/WEBHOOK_TIMEOUT_SECONDS debe ser un número entero de segundos entre 1 y 120/);
    // Unset with a short lease: half the lease, so a try always ends within its claim.
    expect(loadConfig({ NODE_ENV: 'test', JOB_LEASE_SECONDS: '10', SMTP_TIMEOUT_SECONDS: '5' }).webhooks.timeoutMs).toBe(5_000);
    expect(loadConfig({ NODE_ENV: 'test', WEBHOOK_TIMEOUT_SECONDS: '30' }).webhooks.timeoutMs).toBe(30_000);
    expect(() => loadConfig({ NODE_ENV: 'test', WEBHOOK_CATCH_UP_DAYS: '-1' })).toThrow(/WEBHOOK_CATCH_UP_DAYS debe ser un número entero de días entre 0 y 60/);
    expect(loadConfig({ NODE_ENV: 'test' }).webhooks).toEqual({
      timeoutMs: 10_000, maxAttempts: 12, retryBaseMs: 60_000, maxBackoffMs: 8 * 3_600_000, catchUpDays: 7, retentionMs: 90 * DAY, allowLocalhost: false, allowPrivateNetworks: false,
    });
  });
});
