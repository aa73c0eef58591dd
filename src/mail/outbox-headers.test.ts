import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { MailSecrets } from './mail-secrets.ts';
import { enqueueMail, type MailMessage } from './outbox.ts';
import { DevMailbox } from './transport.ts';

// Extra headers on outbox mail (the digest's List-Unsubscribe): stored beside
// the bodies, a secret in them only as its placeholder, filled at send time.

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

const base = (over: Partial<MailMessage> = {}): MailMessage => ({ to: 'ana@cliente.cl', subject: 'Prueba', text: 'Hola.', html: '<p>Hola.</p>', kind: 'test', ...over });

describe('outbox headers', () => {
  it('sends a header with its secret filled in, and keeps only the placeholder once sent', async () => {
    const secrets = new MailSecrets();
    const link = secrets.add('unsubscribeLink', 'https://portal.example.cl/ayuda/resumen/baja?t=secreto-de-prueba');
    const id = await enqueueMail(rt.deps.db, base({ text: `Baja: ${link}`, secrets: secrets.values, headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } }), rt.clock.now());
    expect(await rt.worker.runOnce()).toBe(1);
    const sent = (rt.transport as DevMailbox).delivered(id)!;
    expect(sent.headers).toEqual({ 'List-Unsubscribe': '<https://portal.example.cl/ayuda/resumen/baja?t=secreto-de-prueba>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    const row = await rt.deps.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.secrets).toBeNull();
    expect(row.headers).not.toContain('secreto-de-prueba');
    expect(JSON.parse(row.headers!)['List-Unsubscribe']).toBe(`<${link}>`);
  });

  it('leaves headers out of a mail without them', async () => {
    const id = await enqueueMail(rt.deps.db, base(), rt.clock.now());
    expect((await rt.deps.db.selectFrom('outbox').select('headers').where('id', '=', id).executeTakeFirstOrThrow()).headers).toBeNull();
    await rt.worker.runOnce();
    expect((rt.transport as DevMailbox).delivered(id)!.headers).toBeUndefined();
  });

  it('refuses a header that would break the message, replace one the worker sets, or carry a secret in clear', async () => {
    const secrets = new MailSecrets();
    secrets.add('token', 'valor-secreto');
    const bad: Array<Record<string, string>> = [{ 'X-Uno': 'a\r\nBcc: otro@ejemplo.cl' }, { 'X-Dos': 'a\nb' }, { Bcc: 'otro@ejemplo.cl' }, { 'Message-ID': '<x@y>' }, { 'X Espacio': 'a' }, { 'X-Tres': 'valor-secreto' }];
    const before = (await rt.deps.db.selectFrom('outbox').select('id').execute()).length;
    for (const headers of bad) await expect(enqueueMail(rt.deps.db, base({ headers, secrets: secrets.values }), rt.clock.now())).rejects.toThrow();
    expect((await rt.deps.db.selectFrom('outbox').select('id').execute()).length).toBe(before);
  });
});
