import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueCredentials } from '../../tests/mail-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import type { MailTransport } from './transport.ts';
import { OutboxWorker } from './worker.ts';

// A mail server's answer is its own to choose. A NUL in it could not be
// stored in PostgreSQL text: the failure went unrecorded, so the mail was
// neither counted nor backed off. It is kept as one printable line.

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

describe('outbox: a server answer with control characters', () => {
  it('records the failure as one printable line, counts the attempt and backs off', async () => {
    const hostile: MailTransport = {
      kind: 'smtp',
      send: async () => {
        throw Object.assign(new Error('450 buzón\u0000 lleno\r\n\u001b[31mrojo\u202e'), { responseCode: 450, command: 'RCPT TO' });
      },
      close() {},
    };
    const id = await queueCredentials(rt.deps.db, rt.config, 'lleno@cliente.cl', 'Clave-Temporal-123', rt.clock.now());
    const worker = new OutboxWorker({ db: rt.deps.db, transport: hostile, from: 'Portal <no-responder@portal.test>', clock: rt.clock, log: pino({ level: 'silent' }), messageIdDomain: 'localhost' });
    await worker.runOnce();
    const row = await rt.deps.db.selectFrom('outbox').select(['attempts', 'last_error', 'last_error_kind', 'next_attempt_at', 'sent_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.attempts).toBe(1);
    expect(row.last_error_kind).toBe('deferred');
    expect(row.sent_at).toBeNull();
    expect(row.last_error).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(row.last_error).toContain('buzón');
    expect(row.next_attempt_at > rt.clock.now().toISOString()).toBe(true);
  });
});
