import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { WebhookReceiver } from '../../tests/webhook-receiver.ts';
import { createTestStaff } from '../../tests/staff-fixtures.ts';
import { principalOf } from '../../tests/help-schedule-fixtures.ts';
import { backoffCeilingMs } from '../mail/backoff.ts';
import { resendWebhookDelivery } from './resend-webhook-delivery.ts';
import { emitWebhookEvent } from './webhook-events.ts';
import { WebhookWorker, type WebhookWorkerOptions } from './webhook-worker.ts';

// The delivery worker against a real HTTP receiver on 127.0.0.1 that checks
// every signature; time is the runtime's ManualClock (backoff, dead letters),
// the network is real (timeouts of 300 ms stand in for 10 s).

let rt: TestRuntime;
let receiver: WebhookReceiver;
const workers: WebhookWorker[] = [];
const silent = pino({ level: 'silent' });
const BASE = 60_000;
const MAX_ATTEMPTS = 4;

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false, env: { WEBHOOK_ALLOW_LOCALHOST: 'true' } });
});
afterAll(async () => {
  await rt.close();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await receiver?.stop();
  // Each test its own endpoints and events.
  const db = rt.deps.db;
  await db.deleteFrom('webhook_delivery_attempts').execute();
  await db.deleteFrom('webhook_deliveries').execute();
  await db.deleteFrom('webhook_events').execute();
  await db.deleteFrom('webhook_endpoints').execute();
});

async function startReceiver(): Promise<WebhookReceiver> {
  receiver = new WebhookReceiver(() => rt.clock.now());
  await receiver.start();
  return receiver;
}

function worker(over: Partial<WebhookWorkerOptions> = {}): WebhookWorker {
  const w = new WebhookWorker({
    db: rt.deps.db, clock: rt.clock, log: silent, policy: { allowLocalhost: true, allowPrivateNetworks: false },
    timeoutMs: 300, maxAttempts: MAX_ATTEMPTS, retryBaseMs: BASE, maxBackoffMs: 8 * BASE, leaseMs: 5_000, random: () => 0.5, ...over,
  });
  workers.push(w);
  return w;
}

async function emit(n = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = await rt.deps.db.transaction().execute((trx) =>
      emitWebhookEvent(trx, 'customer.disabled', { customer: { id: `c-${i}`, rut: '76543210-3', name: `Cliente ${i}`, disabledAt: rt.clock.now().toISOString() } }, rt.clock.now()),
    );
    ids.push(id!);
  }
  return ids;
}

const deliveryOf = (eventId: string) => rt.deps.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow();
const attemptsOf = (deliveryId: string) => rt.deps.db.selectFrom('webhook_delivery_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('at').execute();

describe('webhook delivery', () => {
  it('signed per Standard Webhooks, POSTed as JSON, delivered once', async () => {
    const r = await startReceiver();
    await r.register(rt.deps.db, ['customer.disabled']);
    const [eventId] = await emit();
    expect(await worker().runOnce()).toBe(1);
    expect(r.badSignatures).toBe(0);
    expect(r.received).toHaveLength(1);
    const got = r.received[0]!;
    expect(got.id).toBe(eventId);
    expect(got.contentType).toBe('application/json');
    expect(got.timestamp).toBe(Math.floor(rt.clock.now().getTime() / 1000));
    expect(JSON.parse(got.body)).toMatchObject({ type: 'customer.disabled', data: { customer: { rut: '76543210-3' } } });
    // A tampered body or another secret does not pass the receiver's checks.
    expect(() => r.verify({ 'webhook-id': got.id, 'webhook-timestamp': String(got.timestamp), 'webhook-signature': got.signature }, got.body.replace('Cliente', 'Cliento'))).toThrow();
    const d = await deliveryOf(eventId!);
    expect(d.delivered_at).not.toBeNull();
    expect(d.attempts).toBe(1);
    expect(d.last_status).toBe(204);
    const tries = await attemptsOf(d.id);
    expect(tries.map((t) => [t.status, t.error])).toEqual([[204, null]]);
    // Nothing left to do.
    expect(await worker().runOnce()).toBe(0);
    expect(r.received).toHaveLength(1);
  });

  it('an endpoint that fails for a while (500, timeout, connection refused, reset): each event delivered exactly once, same webhook-id, every try recorded, backoff respected', async () => {
    const r = await startReceiver();
    await r.register(rt.deps.db, ['customer.disabled']);
    const events = await emit(3);
    const w = worker();
    // 1st try: 500.
    r.answer = () => 500;
    expect(await w.runOnce()).toBe(0);
    // Not due before its backoff: half the ceiling and half the jitter (random 0.5) is 0.75 of it.
    const wait1 = Math.round(backoffCeilingMs(1, BASE) * 0.75);
    rt.clock.advance(wait1 - 1);
    expect(await w.runOnce()).toBe(0);
    expect(r.received).toHaveLength(3);
    // 2nd try: no answer at all (the 300 ms timeout cuts it).
    r.answer = () => 'hang';
    rt.clock.advance(1);
    const t0 = performance.now();
    expect(await w.runOnce()).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(r.received).toHaveLength(6);
    // 3rd try: nobody listening.
    await r.stop();
    rt.clock.advance(Math.round(backoffCeilingMs(2, BASE) * 0.75));
    expect(await w.runOnce()).toBe(0);
    await r.start();
    // 4th try... would be the last (MAX_ATTEMPTS 4): the receiver cuts the first event's connection, answers the others.
    r.answer = (got) => (got.id === events[0] ? 'reset' : 200);
    rt.clock.advance(Math.round(backoffCeilingMs(3, BASE) * 0.75));
    expect(await w.runOnce()).toBe(2);
    expect(r.badSignatures).toBe(0);
    for (const id of events.slice(1)) {
      expect(r.successes().filter((s) => s === id)).toHaveLength(1);
      const d = await deliveryOf(id);
      expect(d.delivered_at).not.toBeNull();
      expect(d.attempts).toBe(4);
      const tries = await attemptsOf(d.id);
      expect(tries.map((t) => t.status)).toEqual([500, null, null, 200]);
      expect(tries[0]!.error).toMatch(/^HTTP 500: Error interno/);
      expect(tries[0]!.error!.length).toBeLessThanOrEqual(500);
      expect(tries[1]!.error).toMatch(/sin respuesta completa/);
      expect(tries[2]!.error).toMatch(/ECONNREFUSED/);
      expect(tries[3]!.error).toBeNull();
      // The waits between tries were at least the backoff.
      const at = tries.map((t) => Date.parse(t.at));
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(wait1);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(Math.round(backoffCeilingMs(2, BASE) * 0.75));
      expect(at[3]! - at[2]!).toBeGreaterThanOrEqual(Math.round(backoffCeilingMs(3, BASE) * 0.75));
    }
    // Same webhook-id on every try of an event, a fresh timestamp (and so signature) on each.
    const first = r.received.filter((x) => x.id === events[1]);
    expect(first).toHaveLength(3);
    expect(new Set(first.map((x) => x.timestamp)).size).toBe(3);
    // The first event's 4th try was cut: it was its last, so it is a dead letter now.
    const dead = await deliveryOf(events[0]!);
    expect(dead.dead_at).not.toBeNull();
    expect(dead.attempts).toBe(MAX_ATTEMPTS);
    expect((await attemptsOf(dead.id)).at(-1)!.error).toMatch(/cortó la conexión/);
  });

  it('a dead letter is tried no more; "send again" delivers it with the same webhook-id, audited', async () => {
    const r = await startReceiver();
    await r.register(rt.deps.db, ['customer.disabled']);
    const [eventId] = await emit();
    r.answer = () => 503;
    const w = worker();
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      expect(await w.runOnce()).toBe(0);
      rt.clock.advance(backoffCeilingMs(i, BASE, 8 * BASE));
    }
    const d = await deliveryOf(eventId!);
    expect(d.dead_at).not.toBeNull();
    expect(d.attempts).toBe(MAX_ATTEMPTS);
    rt.clock.advance(24 * 3_600_000);
    expect(await w.runOnce()).toBe(0);
    expect(r.received).toHaveLength(MAX_ATTEMPTS);

    const staff = await createTestStaff(rt.deps, 'admin');
    await resendWebhookDelivery(rt.deps, principalOf(staff), d.id);
    // Twice in a row: the second finds it already due.
    await expect(resendWebhookDelivery(rt.deps, principalOf(staff), d.id)).rejects.toMatchObject({ id: 'webhook-delivery-due', status: 409 });
    r.answer = () => 200;
    expect(await w.runOnce()).toBe(1);
    expect(r.received.map((x) => x.id)).toEqual(Array(MAX_ATTEMPTS + 1).fill(eventId));
    const after = await deliveryOf(eventId!);
    expect(after.delivered_at).not.toBeNull();
    expect(after.dead_at).toBeNull();
    expect(after.attempts).toBe(1);
    // Every try kept, the old round's and the new one.
    expect((await attemptsOf(d.id)).map((t) => t.status)).toEqual([503, 503, 503, 503, 200]);
    const audit = await rt.deps.db.selectFrom('audit_events').select(['action', 'actor_label', 'detail']).where('action', '=', 'webhook.resent').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_label).toBe(staff.email);
    expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ deliveryId: d.id, eventId, was: 'dead', attempts: MAX_ATTEMPTS });
    // A delivered one can be sent again too (the receiver lost it).
    await resendWebhookDelivery(rt.deps, principalOf(staff), d.id);
    expect(await w.runOnce()).toBe(1);
    expect(r.successes()).toEqual([eventId, eventId]);
    await expect(resendWebhookDelivery(rt.deps, principalOf(staff), 'no-es-un-id')).rejects.toMatchObject({ status: 404 });
  });

  it('a disabled endpoint gets nothing: no delivery for events while paused, and what was queued waits until it is enabled', async () => {
    const r = await startReceiver();
    const paused = await r.register(rt.deps.db, ['customer.disabled'], { disabled: true });
    const [whilePaused] = await emit();
    expect(await rt.deps.db.selectFrom('webhook_deliveries').select('id').where('event_id', '=', whilePaused!).execute()).toEqual([]);
    await rt.deps.db.updateTable('webhook_endpoints').set({ disabled_at: null }).where('id', '=', paused).execute();
    const [queued] = await emit();
    await rt.deps.db.updateTable('webhook_endpoints').set({ disabled_at: rt.clock.now().toISOString() }).where('id', '=', paused).execute();
    const w = worker();
    expect(await w.runOnce()).toBe(0);
    rt.clock.advance(3_600_000);
    expect(await w.runOnce()).toBe(0);
    expect(r.received).toEqual([]);
    const d = await deliveryOf(queued!);
    expect(d.attempts).toBe(0);
    const staff = await createTestStaff(rt.deps, 'admin');
    await expect(resendWebhookDelivery(rt.deps, principalOf(staff), d.id)).rejects.toMatchObject({ id: 'webhook-endpoint-paused' });
    await rt.deps.db.updateTable('webhook_endpoints').set({ disabled_at: null }).where('id', '=', paused).execute();
    expect(await w.runOnce()).toBe(1);
    expect(r.successes()).toEqual([queued]);
  });

  it('a redirect is not followed: one request, a failed try that says where it pointed', async () => {
    const r = await startReceiver();
    await r.register(rt.deps.db, ['customer.disabled']);
    const [eventId] = await emit();
    r.answer = () => 302;
    expect(await worker().runOnce()).toBe(0);
    expect(r.received).toHaveLength(1);
    const d = await deliveryOf(eventId!);
    expect(d.delivered_at).toBeNull();
    expect(d.last_status).toBe(302);
    expect(d.last_error).toMatch(/redirección a http:\/\/169\.254\.169\.254.* no seguida/);
  });

  it('an address the policy refuses is not dialled: a failed try with why', async () => {
    const r = await startReceiver();
    await r.register(rt.deps.db, ['customer.disabled']);
    const [eventId] = await emit();
    expect(await worker({ policy: { allowLocalhost: false, allowPrivateNetworks: false } }).runOnce()).toBe(0);
    expect(r.received).toEqual([]);
    const d = await deliveryOf(eventId!);
    expect(d.last_status).toBeNull();
    expect(d.last_error).toMatch(/^URL no permitida: La URL debe empezar con https/);
    expect(d.attempts).toBe(1);
  });

  it('stop() cuts a try in flight at once: the try is recorded and the delivery is due again, unlocked', async () => {
    const r = await startReceiver();
    await r.register(rt.deps.db, ['customer.disabled']);
    const [eventId] = await emit();
    r.answer = () => 'hang';
    const w = worker({ timeoutMs: 20_000, leaseMs: 60_000 });
    const pass = w.runOnce();
    while (r.received.length === 0) await new Promise((res) => setTimeout(res, 10));
    const t0 = performance.now();
    await w.stop();
    await pass;
    expect(performance.now() - t0).toBeLessThan(2_000);
    const d = await deliveryOf(eventId!);
    expect(d.locked_by).toBeNull();
    expect(d.delivered_at).toBeNull();
    expect(d.next_attempt_at <= rt.clock.now().toISOString()).toBe(true);
    expect((await attemptsOf(d.id)).map((t) => t.error)).toEqual(['envío interrumpido: el portal se estaba deteniendo']);
    r.answer = () => 200;
    expect(await worker().runOnce()).toBe(1);
  });

  it('a delivery claimed by an instance that was killed is taken over once its claim runs out, not before', async () => {
    const r = await startReceiver();
    await r.register(rt.deps.db, ['customer.disabled']);
    const [eventId] = await emit();
    // What a SIGKILLed instance leaves behind: its claim, never released.
    await rt.deps.db.updateTable('webhook_deliveries').set({ locked_by: 'otra-instancia', locked_until: new Date(rt.clock.now().getTime() + 5_000).toISOString() }).where('event_id', '=', eventId!).execute();
    const w = worker();
    expect(await w.runOnce()).toBe(0);
    rt.clock.advance(4_999);
    expect(await w.runOnce()).toBe(0);
    expect(r.received).toEqual([]);
    rt.clock.advance(2);
    expect(await w.runOnce()).toBe(1);
    expect(r.successes()).toEqual([eventId]);
    expect((await deliveryOf(eventId!)).locked_by).toBeNull();
  });

  it('a success brings the endpoint\'s other retries forward', async () => {
    const r = await startReceiver();
    await r.register(rt.deps.db, ['customer.disabled']);
    const [old] = await emit();
    r.answer = () => 500;
    const w = worker();
    await w.runOnce();
    const before = await deliveryOf(old!);
    expect(before.next_attempt_at > rt.clock.now().toISOString()).toBe(true);
    r.answer = () => 200;
    await emit();
    // The new event goes now; its success makes the old one due at once (the pass after it sends it).
    expect(await w.runOnce()).toBe(1);
    expect(await w.runOnce()).toBe(1);
    expect(new Set(r.successes()).size).toBe(2);
  });
});
