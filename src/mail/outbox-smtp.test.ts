import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { outboxRowText, queueCredentials, queueReset } from '../../tests/mail-fixtures.ts';
import { SmtpPeer, resetPathIn, temporaryPasswordIn } from '../../tests/smtp-peer.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { OUTBOX_COMMANDS } from '../cli/outbox-commands.ts';
import { formatRut } from '../domain/rut.ts';
import { backoffCeilingMs, MAX_BACKOFF_MS } from './backoff.ts';

// The outbox against a real SMTP server: nodemailer → TCP → smtp-server.

let peer: SmtpPeer;
let rt: TestRuntime;
let customer: TestCustomer;

beforeAll(async () => {
  peer = new SmtpPeer();
  const url = await peer.start();
  rt = await createTestRuntime({ env: { SMTP_URL: url } });
  customer = await createCustomerWithAdmin(rt.deps, { name: 'Ferretería El Perno Ltda.' });
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(async () => {
  await rt.close();
  await peer.stop();
});
afterEach(async () => {
  peer.refuse = false;
  peer.rejectRecipients.clear();
  // Whatever a test left due or scheduled does not leak into the next one.
  rt.clock.advance(MAX_BACKOFF_MS + 1);
  while ((await rt.worker.runOnce()) > 0);
});

async function adminClient() {
  const admin = new TestClient(rt);
  expect(location(await admin.signIn(customer.rut, customer.admin.email, customer.admin.password))).toBe('/servicios');
  return admin;
}

const row = (id: string) => rt.deps.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const rowTo = (to: string) => rt.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', to).executeTakeFirstOrThrow();

async function cli(words: keyof typeof OUTBOX_COMMANDS, o: Record<string, string | boolean> = {}): Promise<string> {
  const out: string[] = [];
  await OUTBOX_COMMANDS[words]!.run(rt, o, (s) => out.push(s), { err: () => {}, args: [], operator: { kind: 'cli', label: 'operador (prueba)' } });
  return out.join('\n');
}

describe('credentials mail over SMTP', () => {
  it('arrives with RUT, e-mail, temporary password, link, expiry and who added the user; the password works once', async () => {
    const admin = await adminClient();
    const res = await admin.post('/usuarios/nuevo', { name: 'Carla Técnica', email: 'carla@perno.cl' });
    expect(res.status).toBe(303);
    await rt.worker.runOnce();
    const mail = await peer.waitFor('carla@perno.cl', /credenciales/);
    const text = mail.text ?? '';
    expect(text).toContain(`RUT de la empresa: ${formatRut(customer.rut)}`);
    expect(text).toContain('Correo: carla@perno.cl');
    expect(text).toContain('http://localhost/ingresar');
    expect(text).toMatch(/vence el \d+ de \w+ de 2026/);
    expect(text).toContain('Ana Administradora');
    expect(mail.html).toContain('Clave temporal');

    const password = temporaryPasswordIn(mail);
    expect(mail.html).toContain(password);
    expect(text).not.toContain('{{secreto');
    // Sent: nothing in the row opens the account any more.
    expect(await outboxRowText(rt.deps.db, (await rowTo('carla@perno.cl')).id)).not.toContain(password);

    const tech = new TestClient(rt);
    expect(location(await tech.signIn(customer.rut, 'carla@perno.cl', password))).toBe('/nueva-clave');
    const changed = await tech.post('/nueva-clave', { currentPassword: password, newPassword: 'mi propia clave larga', repeatPassword: 'mi propia clave larga' });
    expect(location(changed)).toBe('/ayuda');
    // The temporary password is spent: it opens nothing any more.
    expect((await new TestClient(rt).signIn(customer.rut, 'carla@perno.cl', password)).status).toBe(401);
    expect(location(await new TestClient(rt).signIn(customer.rut, 'carla@perno.cl', 'mi propia clave larga'))).toBe('/ayuda');
    // And the "your password was changed" notice went out too.
    await rt.worker.runOnce();
    await peer.waitFor('carla@perno.cl', /fue cambiada/);
  });

  it('the reset link arrives whole and working; the sent row holds neither the link nor its token', async () => {
    const res = await new TestClient(rt).post('/recuperar', { rut: customer.rut, email: customer.admin.email });
    expect(res.status).toBe(200);
    const queued = await rt.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', customer.admin.email).where('kind', '=', 'password-reset').executeTakeFirstOrThrow();
    await rt.worker.runOnce();
    const mail = await peer.waitFor(customer.admin.email, /Recupere su acceso/);
    const path = resetPathIn(mail);
    const token = new URL(path, 'http://x').searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(20);
    expect(mail.html).toContain(`href="http://localhost${path}"`);
    expect(await outboxRowText(rt.deps.db, queued.id)).not.toContain(token);
    expect((await new TestClient(rt).get(path)).status).toBe(200);
  });

  it('keeps the secret out of the stored bodies while pending, and in its own column until sent', async () => {
    const id = await queueCredentials(rt.deps.db, rt.config, 'pendiente@perno.cl', 'Kp7d-x2Mh-Qr8s-Tv3w', rt.clock.now());
    const pending = await row(id);
    expect(pending.text_body).not.toContain('Kp7d-x2Mh-Qr8s-Tv3w');
    expect(pending.html_body).not.toContain('Kp7d-x2Mh-Qr8s-Tv3w');
    expect(pending.secrets).toContain('Kp7d-x2Mh-Qr8s-Tv3w');
    await rt.worker.runOnce();
    expect(temporaryPasswordIn(await peer.waitFor('pendiente@perno.cl'))).toBe('Kp7d-x2Mh-Qr8s-Tv3w');
    const sent = await row(id);
    expect(sent.secrets).toBeNull();
    expect(JSON.stringify(sent)).not.toContain('Kp7d-x2Mh-Qr8s-Tv3w');
  });

  it('is delivered exactly once, secret included, after the server refused it a few times; the Message-ID is the same every time', async () => {
    peer.refuse = true;
    const before = peer.received.length;
    const id = await queueCredentials(rt.deps.db, rt.config, 'pedro@perno.cl', 'Pd4t-Ne7c-Rt9x-Wq2z', rt.clock.now());
    await rt.worker.runOnce();
    await rt.worker.runOnce(); // not due yet: backoff holds it
    expect(peer.refusedCount).toBeGreaterThanOrEqual(1);
    let r = await row(id);
    expect(r.sent_at).toBeNull();
    expect(r.attempts).toBe(1);
    expect(r.last_error).toMatch(/451|ocupado/);
    expect(r.last_error_kind).toBe('deferred');
    expect(r.secrets).toContain('Pd4t-Ne7c-Rt9x-Wq2z');

    for (let attempt = 1; attempt <= 3; attempt++) {
      rt.clock.advance(backoffCeilingMs(attempt, 5_000));
      await rt.worker.runOnce();
    }
    r = await row(id);
    expect(r.attempts).toBe(4);
    expect(r.secrets).toContain('Pd4t-Ne7c-Rt9x-Wq2z'); // still pending: still has what it needs
    peer.refuse = false;
    rt.clock.advance(backoffCeilingMs(4, 5_000));
    expect(await rt.worker.runOnce()).toBe(1);
    rt.clock.advance(60 * 60_000);
    await rt.worker.runOnce();
    const delivered = peer.to('pedro@perno.cl');
    expect(delivered).toHaveLength(1);
    expect(temporaryPasswordIn(delivered[0]!)).toBe('Pd4t-Ne7c-Rt9x-Wq2z');

    const sent = await row(id);
    expect(sent.sent_at).not.toBeNull();
    expect(sent.attempts).toBe(5);
    expect(JSON.stringify(sent)).not.toContain('Pd4t-Ne7c-Rt9x-Wq2z');
    const ids = peer.received.slice(before).filter((m) => m.to.includes('pedro@perno.cl')).map((m) => m.messageId);
    expect(ids).toHaveLength(5);
    expect(new Set(ids)).toEqual(new Set([`<${id}@localhost>`]));
    expect(delivered[0]!.messageId).toBe(`<${id}@localhost>`);
  });

  it('keeps the mail in the outbox when the server is unreachable, and nothing is lost', async () => {
    await peer.stop();
    let id: string;
    try {
      id = await queueCredentials(rt.deps.db, rt.config, 'olga@perno.cl', 'Og5f-Lm3n-Bv8c-Xz4k', rt.clock.now());
      await rt.worker.runOnce();
      const r = await row(id);
      expect(r.sent_at).toBeNull();
      expect(r.attempts).toBe(1);
      expect(r.last_error_kind).toBe('connection');
    } finally {
      await restartPeer();
    }
    rt.clock.advance(backoffCeilingMs(1, 5_000));
    await rt.worker.runOnce();
    expect(temporaryPasswordIn(await peer.waitFor('olga@perno.cl', /credenciales/))).toBe('Og5f-Lm3n-Bv8c-Xz4k');
    expect((await row(id)).secrets).toBeNull();
  });

  it('once a mail gets through, brings forward what failed on connection errors, not what the server deferred', async () => {
    // The server away: several failures pile up, the last one waits minutes.
    await peer.stop();
    let unreachable: string;
    try {
      unreachable = await queueCredentials(rt.deps.db, rt.config, 'caido@perno.cl', 'Cd1o-Srv2-Dwn3-Now4', rt.clock.now());
      for (let attempt = 1; attempt <= 6; attempt++) {
        await rt.worker.runOnce();
        if (attempt < 6) rt.clock.advance(backoffCeilingMs(attempt, 5_000));
      }
    } finally {
      await restartPeer();
    }
    const waiting = await row(unreachable);
    expect(waiting.attempts).toBe(6);
    expect(waiting.last_error_kind).toBe('connection');
    expect(Date.parse(waiting.next_attempt_at) - rt.clock.now().getTime()).toBeGreaterThan(60_000);
    // Deferred by the server itself (451): that one keeps its backoff.
    peer.refuse = true;
    const deferred = await queueCredentials(rt.deps.db, rt.config, 'diferido@perno.cl', 'Df3r-Id0o-Aaaa-Bbbb', rt.clock.now());
    await rt.worker.runOnce();
    expect((await row(deferred)).last_error_kind).toBe('deferred');
    peer.refuse = false;

    // The server is back and a new mail goes out at once…
    await queueCredentials(rt.deps.db, rt.config, 'nuevo@perno.cl', 'Nv0o-Ma1l-Ggg2-Hhh3', rt.clock.now());
    expect(await rt.worker.runOnce()).toBe(1);
    // …which brings the unreachable one forward to now; the deferred one keeps its time.
    expect((await row(unreachable)).next_attempt_at).toBe(rt.clock.now().toISOString());
    expect(Date.parse((await row(deferred)).next_attempt_at)).toBeGreaterThan(rt.clock.now().getTime());
    expect(await rt.worker.runOnce()).toBe(1);
    expect(temporaryPasswordIn(await peer.waitFor('caido@perno.cl'))).toBe('Cd1o-Srv2-Dwn3-Now4');
    expect((await row(deferred)).sent_at).toBeNull();
  });

  it('dead-letters a mail the server refuses for good (550) after one attempt, erases its secret and lists it', async () => {
    peer.rejectRecipients.add('no-existe@perno.cl');
    const id = await queueCredentials(rt.deps.db, rt.config, 'no-existe@perno.cl', 'Nx5t-Dd4d-Lll1-Mmm2', rt.clock.now());
    await rt.worker.runOnce();
    const dead = await row(id);
    expect(dead.dead_at).not.toBeNull();
    expect(dead.sent_at).toBeNull();
    expect(dead.attempts).toBe(1);
    expect(dead.last_error).toContain('550');
    expect(dead.last_error_kind).toBe('permanent');
    expect(JSON.stringify(dead)).not.toContain('Nx5t-Dd4d-Lll1-Mmm2');

    // Never tried again, however long we wait.
    peer.rejectRecipients.clear();
    rt.clock.advance(24 * 3_600_000);
    await rt.worker.runOnce();
    expect((await row(id)).attempts).toBe(1);
    expect(peer.to('no-existe@perno.cl')).toHaveLength(0);

    const all = await cli('outbox list');
    expect(all).toMatch(/Rechazados: [1-9]/);
    expect(all).toMatch(/no-existe@perno\.cl .*rechazado/);
    const onlyDead = await cli('outbox list', { dead: true });
    expect(onlyDead).toContain('no-existe@perno.cl');
    expect(onlyDead).toContain('550');
    expect(onlyDead).not.toContain('carla@perno.cl');
    expect(await cli('outbox list', { pending: true })).not.toContain('no-existe@perno.cl');
  });

  it('sends a reset mail whose link has characters HTML must escape, escaped in the HTML body only', async () => {
    const id = await queueReset(rt.deps.db, rt.config, 'amp@perno.cl', 'abc&def', rt.clock.now());
    await rt.worker.runOnce();
    const mail = await peer.waitFor('amp@perno.cl');
    expect(mail.text).toContain('/restablecer?token=abc&def');
    expect(mail.html).toContain('href="http://localhost/restablecer?token=abc&amp;def"');
    expect(await outboxRowText(rt.deps.db, id)).not.toContain('abc&def');
  });
});

/** The server comes back on the same port, so the configured SMTP_URL reaches it. */
async function restartPeer(): Promise<void> {
  const port = peer.port;
  peer = new SmtpPeer();
  await peer.start(port);
}
