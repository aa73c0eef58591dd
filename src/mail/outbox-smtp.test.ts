import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { SmtpPeer, temporaryPasswordIn } from '../../tests/smtp-peer.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { formatRut } from '../domain/rut.ts';
import { backoffMs } from './worker.ts';

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
afterEach(() => {
  peer.refuse = false;
});

async function adminClient() {
  const admin = new TestClient(rt);
  expect(location(await admin.signIn(customer.rut, customer.admin.email, customer.admin.password))).toBe('/servicios');
  return admin;
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

  it('is delivered exactly once after the server refused it for a while', async () => {
    const admin = await adminClient();
    peer.refuse = true;
    await admin.post('/usuarios/nuevo', { name: 'Pedro Paciente', email: 'pedro@perno.cl' });
    await rt.worker.runOnce();
    await rt.worker.runOnce(); // not due yet: backoff holds it
    expect(peer.refusedCount).toBe(1);
    const row = await rt.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', 'pedro@perno.cl').executeTakeFirstOrThrow();
    expect(row.sent_at).toBeNull();
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/451|ocupado/);

    rt.clock.advance(backoffMs(1, 5_000));
    await rt.worker.runOnce();
    expect(peer.refusedCount).toBe(2);
    peer.refuse = false;
    rt.clock.advance(backoffMs(2, 5_000));
    expect(await rt.worker.runOnce()).toBe(1);
    rt.clock.advance(60 * 60_000);
    await rt.worker.runOnce();
    expect(peer.to('pedro@perno.cl')).toHaveLength(1);
    const sent = await rt.deps.db.selectFrom('outbox').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(sent.sent_at).not.toBeNull();
    expect(sent.attempts).toBe(3);
  });

  it('keeps the mail in the outbox when the server is unreachable, and nothing is lost', async () => {
    const admin = await adminClient();
    await peer.stop();
    try {
      await admin.post('/usuarios/nuevo', { name: 'Olga Offline', email: 'olga@perno.cl' });
      await rt.worker.runOnce();
      const row = await rt.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', 'olga@perno.cl').executeTakeFirstOrThrow();
      expect(row.sent_at).toBeNull();
      expect(row.attempts).toBe(1);
    } finally {
      // The server comes back on the same port, so the configured SMTP_URL reaches it.
      const port = peer.port;
      peer = new SmtpPeer();
      await peer.start(port);
    }
    rt.clock.advance(60 * 60_000);
    await rt.worker.runOnce();
    await peer.waitFor('olga@perno.cl', /credenciales/);
  });

  it('backs off exponentially up to an hour', () => {
    expect(backoffMs(1, 5_000)).toBe(5_000);
    expect(backoffMs(2, 5_000)).toBe(10_000);
    expect(backoffMs(30, 5_000)).toBe(3_600_000);
  });
});
