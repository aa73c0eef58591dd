import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../../tests/client.ts';
import { outboxRowText, queueCredentials, queueReset } from '../../../../tests/mail-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { createApp } from '../../../app.ts';

// Development without SMTP: the dev mailbox shows the credentials and reset
// links, while the outbox table keeps no usable secret once "delivered".

let rt: TestRuntime;

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(async () => {
  await rt.close();
});

async function pageOf(id: string, app = rt.app): Promise<string> {
  const res = await app.request(`/dev/correo/${id}`);
  expect(res.status).toBe(200);
  return res.text();
}

describe('/dev/correo', () => {
  it('shows the temporary password while queued and after delivery, from its own copy; the row keeps none', async () => {
    expect(rt.config.devMailbox).toBe(true);
    const id = await queueCredentials(rt.deps.db, rt.config, 'dev@perno.cl', 'Dv3l-Mail-Bbox-Pass', rt.clock.now());
    expect(await pageOf(id)).toContain('Clave temporal: Dv3l-Mail-Bbox-Pass');
    expect(await rt.worker.runOnce()).toBe(1);
    expect(await outboxRowText(rt.deps.db, id)).not.toContain('Dv3l-Mail-Bbox-Pass');
    const page = await pageOf(id);
    expect(page).toContain('Clave temporal: Dv3l-Mail-Bbox-Pass');
    expect(page).not.toContain('se reinici');
    const list = await (await new TestClient(rt).get('/dev/correo')).text();
    expect(list).toMatch(/Para dev@perno\.cl · .* · entregado/);
  });

  it('after a restart the delivered mail shows that its secret was erased, and no placeholder', async () => {
    const id = await queueReset(rt.deps.db, rt.config, 'reinicio@perno.cl', 'devTok_789', rt.clock.now());
    await rt.worker.runOnce();
    // Another process (or this one restarted): a dev mailbox without the copy.
    const { devMailbox: _gone, ...withoutCopies } = rt.deps;
    const page = await pageOf(id, createApp(withoutCopies));
    expect(page).not.toContain('devTok_789');
    expect(page).not.toContain('{{secreto');
    expect(page).toContain('se reinici');
    expect(page).toContain('[resetLink: borrado de la base al entregar el correo]');
  });
});
