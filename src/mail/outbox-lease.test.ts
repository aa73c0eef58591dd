import type { Logger } from 'pino';
import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queueCredentials } from '../../tests/mail-fixtures.ts';
import { SmtpPeer, temporaryPasswordIn } from '../../tests/smtp-peer.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { systemClock } from '../clock.ts';
import { smtpTransport } from './transport.ts';
import { OutboxWorker, type OutboxWorkerOptions } from './worker.ts';

// Leases, slow servers, crashes and shutdown, on real sockets and real time:
// a lease of 400 ms and SMTP timeouts of a couple of seconds stand in for the
// production 60 s and 15 s.

let peer: SmtpPeer;
let url: string;
let rt: TestRuntime;
const workers: OutboxWorker[] = [];

beforeAll(async () => {
  peer = new SmtpPeer();
  url = await peer.start();
  rt = await createTestRuntime({ env: { SMTP_URL: url }, withHelp: false });
});
afterAll(async () => {
  await rt.close();
  await peer.stop();
});
afterEach(async () => {
  peer.dataDelayMs = 0;
  peer.stall = 0;
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

const silent = pino({ level: process.env.DEBUG_LEASE ? 'info' : 'silent' });

function worker(over: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
  const transport = smtpTransport(url, 2_000);
  const w = new OutboxWorker({
    db: rt.deps.db,
    transport,
    from: 'Mi Portal <no-responder@portal.test>',
    clock: systemClock,
    log: silent,
    leaseMs: 400,
    renewEveryMs: 100,
    messageIdDomain: 'localhost',
    ...over,
  });
  workers.push(w);
  return w;
}

const row = (id: string) => rt.deps.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `w`'s pass, once its send has reached the peer: the other worker must not
 * be the one to claim the row first (then `w` finds it taken and the test
 * would be about the other worker).
 */
async function sendingFirst(w: OutboxWorker): Promise<{ pass: Promise<number> }> {
  const seen = peer.received.length;
  const pass = w.runOnce();
  await peer.waitForReceived(seen + 1);
  // Wrapped: an async function returning the bare promise would wait for the whole pass.
  return { pass };
}

/** Run `other` over and over while `first` is busy; what `other` delivered in all. */
async function meanwhile(first: Promise<number>, other: OutboxWorker): Promise<number> {
  let done = false;
  void first.finally(() => (done = true));
  let delivered = 0;
  while (!done) {
    delivered += await other.runOnce();
    await sleep(50);
  }
  return delivered;
}

describe('outbox leases on a real SMTP peer', () => {
  it('a server slower than the lease: the lease is renewed while sending and two workers deliver it once', async () => {
    const id = await queueCredentials(rt.deps.db, rt.config, 'lento@perno.cl', 'Sl0w-Srv1-Rrr2-Sss3', new Date());
    peer.dataDelayMs = 1_500; // a lease and a half
    // A 1 s lease (the worker cuts its own send when no renewal came back within five sixths of it) and 4 s SMTP waits:
    // with 2 s, a test process starved of CPU by a parallel suite timed out on the 1.5 s answer and delivered nothing.
    const a = worker({ leaseMs: 1_000, transport: smtpTransport(url, 4_000) });
    const b = worker({ leaseMs: 1_000, transport: smtpTransport(url, 4_000) });
    const { pass: first } = await sendingFirst(a);
    const byB = await meanwhile(first, b);
    expect(await first).toBe(1);
    expect(byB).toBe(0);
    expect(peer.to('lento@perno.cl')).toHaveLength(1);
    expect(temporaryPasswordIn(peer.to('lento@perno.cl')[0]!)).toBe('Sl0w-Srv1-Rrr2-Sss3');
    const sent = await row(id);
    expect(sent.sent_at).not.toBeNull();
    expect(sent.attempts).toBe(1);
  });

  it('(the same without renewal: each send is cut by its own worker before the lease runs out, and every copy the receiver saw has one Message-ID)', async () => {
    const id = await queueCredentials(rt.deps.db, rt.config, 'dos-veces@perno.cl', 'Tw1c-Eeee-Ffff-Gggg', new Date());
    peer.dataDelayMs = 1_500;
    const a = worker({ renewEveryMs: 60_000 });
    const b = worker({ renewEveryMs: 60_000 });
    const started = Date.now();
    const { pass: first } = await sendingFirst(a);
    // Cut by its own fence (a sixth of the 400 ms lease ahead), not delivered when the answer came at 1.5 s: b never sent while a still did.
    expect(await first).toBe(0);
    expect(Date.now() - started).toBeLessThan(1_500);
    await meanwhile(sleep(600).then(() => 0), b);
    // Unconfirmed copies reached the receiver (it answers after 1.5 s), all with the row's Message-ID; nothing counted as sent.
    const copies = peer.received.filter((m) => m.to.includes('dos-veces@perno.cl'));
    expect(copies.length).toBeGreaterThanOrEqual(2);
    expect(new Set(copies.map((m) => m.messageId))).toEqual(new Set([`<${id}@localhost>`]));
    expect((await row(id)).sent_at).toBeNull();
    // A prompt server: delivered and marked sent once; every copy it holds (the cut ones it answered late too) has that one Message-ID.
    peer.dataDelayMs = 0;
    await sleep(400);
    expect(await worker().runOnce()).toBe(1);
    expect(await row(id)).toMatchObject({ attempts: 1, locked_by: null });
    expect(new Set(peer.to('dos-veces@perno.cl').map((m) => m.messageId))).toEqual(new Set([`<${id}@localhost>`]));
  });

  it('stop() during a stalled send returns within a second and releases the lease; another worker delivers it once', async () => {
    const id = await queueCredentials(rt.deps.db, rt.config, 'colgado@perno.cl', 'Hng1-Srv2-Ttt3-Uuu4', new Date());
    const seen = peer.received.length;
    peer.stall = 1; // the server takes the message and never answers
    const a = worker({ leaseMs: 60_000, renewEveryMs: 15_000 });
    const pass = a.runOnce();
    await peer.waitForReceived(seen + 1);
    const held = await row(id);
    expect(held.locked_by).not.toBeNull();

    const started = Date.now();
    await a.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pass).toBe(0);
    const released = await row(id);
    expect(released.locked_until).toBeNull();
    expect(released.locked_by).toBeNull();
    expect(released.sent_at).toBeNull();
    expect(released.attempts).toBe(0); // cut by us: not a failed attempt
    expect(released.secrets).toContain('Hng1-Srv2-Ttt3-Uuu4');

    // The next instance does not wait for a lease to run out.
    expect(await worker().runOnce()).toBe(1);
    expect(peer.to('colgado@perno.cl')).toHaveLength(1);
    const ids = peer.received.filter((m) => m.to.includes('colgado@perno.cl')).map((m) => m.messageId);
    expect(ids).toEqual([`<${id}@localhost>`, `<${id}@localhost>`]);
  });

  it('a renewal that finds another owner cuts the send and leaves the row to that owner', async () => {
    const id = await queueCredentials(rt.deps.db, rt.config, 'robado@perno.cl', 'St0l-Ennn-Vvvv-Wwww', new Date());
    const seen = peer.received.length;
    peer.stall = 1;
    const a = worker({ leaseMs: 60_000, renewEveryMs: 100 });
    const pass = a.runOnce();
    await peer.waitForReceived(seen + 1);
    // As if this worker had been frozen past its lease and another took the row.
    await rt.deps.db.updateTable('outbox').set({ locked_by: 'otro-trabajador' }).where('id', '=', id).execute();
    const started = Date.now();
    expect(await pass).toBe(0);
    expect(Date.now() - started).toBeLessThan(1_000);
    const r = await row(id);
    expect(r.locked_by).toBe('otro-trabajador');
    expect(r.attempts).toBe(0);
    expect(r.last_error).toBeNull();
  });

  it('renewals that fail (the outbox out of reach of this process) cut the send before the lease runs out, and leave the row claimed', async () => {
    const id = await queueCredentials(rt.deps.db, rt.config, 'sin-renovar@perno.cl', 'N0rn-Ewww-Aaaa-Bbbb', new Date());
    const seen = peer.received.length;
    peer.stall = 1;
    // SMTP waits longer than the lease: only the worker's own fence can end this send in time.
    const a = worker({ transport: smtpTransport(url, 5_000), leaseMs: 1_500, renewEveryMs: 100 });
    const started = Date.now();
    const pass = a.runOnce();
    await peer.waitForReceived(seen + 1);
    await sql`alter table outbox rename to outbox_away`.execute(rt.deps.db);
    let passed: number | undefined;
    let took = Infinity;
    try {
      passed = await pass;
      took = Date.now() - started;
    } finally {
      await sql`alter table outbox_away rename to outbox`.execute(rt.deps.db);
    }
    expect(passed).toBe(0);
    // Another worker may claim it 1.5 s after the claim: this send was cut before that (at 1.25 s), not at the 5 s SMTP timeout.
    expect(took).toBeLessThan(1_500);
    const r = await row(id);
    expect(r.sent_at).toBeNull();
    expect(r.locked_by).not.toBeNull();
    expect(r.attempts).toBe(0);
    expect(r.secrets).toContain('N0rn-Ewww-Aaaa-Bbbb');
    // Once the claim has run out (moved back here rather than waited for), the next worker sends it, with the same Message-ID.
    await rt.deps.db.updateTable('outbox').set({ locked_until: new Date(Date.now() - 1_000).toISOString() }).where('id', '=', id).execute();
    expect(await worker().runOnce()).toBe(1);
    expect(peer.to('sin-renovar@perno.cl').map((m) => m.messageId)).toEqual([`<${id}@localhost>`]);
  });

  it('an SMTP server that stops answering times out well below the lease and the mail is retried', async () => {
    const id = await queueCredentials(rt.deps.db, rt.config, 'mudo@perno.cl', 'Mu7e-Xxxx-Yyyy-Zzzz', new Date());
    const seen = peer.received.length;
    peer.stall = 1;
    const a = worker({ transport: smtpTransport(url, 300), leaseMs: 60_000 });
    const started = Date.now();
    expect(await a.runOnce()).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(peer.received.length).toBe(seen + 1);
    const r = await row(id);
    expect(r.attempts).toBe(1);
    expect(r.last_error_kind).toBe('connection');
    expect(r.locked_by).toBeNull();
    expect(r.secrets).toContain('Mu7e-Xxxx-Yyyy-Zzzz');
  });

  it('keeps running through database errors and sends once the database is back', async () => {
    const errors: string[] = [];
    const log = recordingLogger(errors);
    const a = worker({ log, pollMs: 30 });
    a.start();
    await sleep(100);
    await sql`alter table outbox rename to outbox_away`.execute(rt.deps.db);
    try {
      await sleep(200);
    } finally {
      await sql`alter table outbox_away rename to outbox`.execute(rt.deps.db);
    }
    expect(errors.some((m) => /outbox pass failed/.test(m))).toBe(true);
    await queueCredentials(rt.deps.db, rt.config, 'de-vuelta@perno.cl', 'Bk0n-Line-Aaaa-Bbbb', new Date());
    expect(temporaryPasswordIn(await peer.waitFor('de-vuelta@perno.cl', undefined, 5_000))).toBe('Bk0n-Line-Aaaa-Bbbb');
  });
});

function recordingLogger(errors: string[]): Logger {
  const log = {
    level: 'info',
    info: () => {},
    debug: () => {},
    trace: () => {},
    warn: () => {},
    error: (_obj: unknown, msg?: string) => errors.push(msg ?? ''),
    fatal: () => {},
    child: () => log,
  };
  return log as unknown as Logger;
}
