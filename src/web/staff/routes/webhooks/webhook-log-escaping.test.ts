import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInStaff } from '../../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../../tests/test-runtime.ts';
import { createTestEndpoint, queueTestDelivery } from '../../../../../tests/webhook-fixtures.ts';

/**
 * What the delivery log shows comes partly from outside: a receiver's
 * error page (its first bytes), the description staff typed, the payload of
 * an event about a customer whose name a vendor's CRM chose. Each is text on
 * the page, never markup (attack review of issue 11).
 */
let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

describe('the webhook pages escape what others wrote', () => {
  it('a receiver\'s HTML error, an HTML description and a payload with HTML are shown as text on the log, the delivery and the endpoint', async () => {
    const e = await createTestEndpoint(rt, { url: "https://crm.ejemplo.cl/h?next='><b>x</b>", description: `ERP ${HOSTILE}` });
    const d = await queueTestDelivery(rt, e.id, 'reintentando');
    await rt.deps.db.updateTable('webhook_delivery_attempts').set({ error: `HTTP 500: ${HOSTILE}` }).where('delivery_id', '=', d.deliveryId).execute();
    await rt.deps.db.updateTable('webhook_events').set({ payload: JSON.stringify({ type: 'customer.created', data: { customer: { name: HOSTILE } } }) }).where('id', '=', d.eventId).execute();
    const { client } = await signedInStaff(rt, 'admin');
    for (const path of ['/proveedor/webhooks', `/proveedor/webhooks/${e.id}`, '/proveedor/webhooks/envios', `/proveedor/webhooks/envios/${d.deliveryId}`]) {
      const res = await client.get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).not.toContain('<script>alert');
      expect(html, path).not.toContain('<img src=x');
      expect(html, path).not.toContain('<b>x</b>');
      expect(html, path).toMatch(/&lt;script&gt;alert\(1\)/);
    }
  });
});
