import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, type Runtime } from '../boot.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { parseExposition, valueOf } from '../../tests/metrics-scrape.ts';
import { TEST_START } from '../../tests/test-runtime.ts';
import { emitWebhookEvent } from '../webhooks/webhook-events.ts';

// The webhook gauges as a scrape reads them: pending, the oldest one's age, dead letters.

let database: TestDatabase;
let rt: Runtime;
const clock = new ManualClock(TEST_START);

beforeAll(async () => {
  database = await createTestDatabase('whm');
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost' });
  rt = await boot(config, pino({ level: 'silent' }), { clock, ...(database.schema ? { db: { searchPath: database.schema, poolSize: 2 } } : {}) });
});
afterAll(async () => {
  await rt?.close();
  await database?.drop();
});

const gauges = async () => {
  const s = parseExposition(await rt.deps.metrics.exposition());
  return ['portal_webhook_deliveries_pending', 'portal_webhook_oldest_pending_age_seconds', 'portal_webhook_dead_letters'].map((n) => valueOf(s, n));
};

describe('webhook gauges', () => {
  it('count what is pending (its age) and what is dead, not what was delivered', async () => {
    expect(await gauges()).toEqual([0, 0, 0]);
    const db = rt.deps.db;
    const at = clock.now().toISOString();
    await db.insertInto('webhook_endpoints').values({ id: '00000000-0000-4000-8000-0000000000aa', url: 'https://crm.ejemplo.cl/h', description: 'CRM', events: 'customer.disabled', secret: 'whsec_MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0', created_at: at, created_by_label: 't', updated_at: at, disabled_at: null }).execute();
    const emit = () => db.transaction().execute((trx) => emitWebhookEvent(trx, 'customer.disabled', { customer: { id: 'c', rut: '76543210-3', name: 'C', disabledAt: at } }, clock.now()));
    const [first, second, third] = [await emit(), await emit(), await emit()];
    await db.updateTable('webhook_deliveries').set({ delivered_at: at }).where('event_id', '=', first!).execute();
    await db.updateTable('webhook_deliveries').set({ dead_at: at, attempts: 12 }).where('event_id', '=', second!).execute();
    clock.advance(90_000);
    expect(await gauges()).toEqual([1, 90, 1]);
    expect(third).not.toBeNull();
  });
});
