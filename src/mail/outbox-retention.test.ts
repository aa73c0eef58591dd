import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueCredentials } from '../../tests/mail-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { OUTBOX_COMMANDS } from '../cli/outbox-commands.ts';
import { UsageError } from '../cli/command.ts';
import { loadConfig } from '../config.ts';
import { enqueueMail } from './outbox.ts';
import { purgeOutbox } from './purge-outbox.ts';

// What the outbox keeps, and for how long: sent and dead mail goes after the
// retention period, pending mail never.

let rt: TestRuntime;

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false, env: { OUTBOX_RETENTION_DAYS: '30' } });
});
afterAll(async () => {
  await rt.close();
});

const DAY = 86_400_000;
const ids = async () => (await rt.deps.db.selectFrom('outbox').select('id').execute()).map((r) => r.id).sort();

/** A mail created `daysAgo`, in the given state at that time. */
async function mail(state: 'sent' | 'dead' | 'pending', daysAgo: number): Promise<string> {
  const at = new Date(rt.clock.now().getTime() - daysAgo * DAY);
  const id = await queueCredentials(rt.deps.db, rt.config, `${state}-${daysAgo}@perno.cl`, `Pw${daysAgo}x-Aaaa-Bbbb-Cccc`, at);
  if (state === 'sent') await rt.deps.db.updateTable('outbox').set({ sent_at: at.toISOString(), secrets: null }).where('id', '=', id).execute();
  if (state === 'dead') await rt.deps.db.updateTable('outbox').set({ dead_at: at.toISOString(), secrets: null, attempts: 1 }).where('id', '=', id).execute();
  if (state === 'pending') await rt.deps.db.updateTable('outbox').set({ attempts: 40, next_attempt_at: new Date(rt.clock.now().getTime() + DAY).toISOString() }).where('id', '=', id).execute();
  return id;
}

async function cli(o: Record<string, string | boolean> = {}): Promise<string> {
  const out: string[] = [];
  await OUTBOX_COMMANDS['outbox purge']!.run(rt, o, (s) => out.push(s), { err: () => {}, args: [], operator: { kind: 'cli', label: 'operador (prueba)' } });
  return out.join('\n');
}

describe('outbox retention', () => {
  it('purge deletes sent and dead mail older than the cut-off, never pending mail however old', async () => {
    await rt.deps.db.deleteFrom('outbox').execute();
    const oldSent = await mail('sent', 40);
    const oldDead = await mail('dead', 40);
    const oldPending = await mail('pending', 400);
    const newSent = await mail('sent', 2);
    const newDead = await mail('dead', 2);
    expect(await purgeOutbox(rt.deps.db, new Date(rt.clock.now().getTime() - 30 * DAY))).toBe(2);
    expect(await ids()).toEqual([oldPending, newSent, newDead].sort());
    expect(await ids()).not.toContain(oldSent);
    expect(await ids()).not.toContain(oldDead);
  });

  it('portal outbox purge uses OUTBOX_RETENTION_DAYS, or --older-than-days', async () => {
    await rt.deps.db.deleteFrom('outbox').execute();
    await mail('sent', 31);
    const tenDays = await mail('sent', 10);
    const pending = await mail('pending', 90);
    expect(await cli()).toBe('Se borró 1 correo enviado o rechazado hace más de 30 días. Los correos en cola no se tocan.');
    expect(await ids()).toEqual([tenDays, pending].sort());
    expect(await cli({ 'older-than-days': '7' })).toMatch(/^Se borró 1 correo .* hace más de 7 días/);
    expect(await ids()).toEqual([pending]);
    expect(await cli({ 'older-than-days': '0' })).toMatch(/^Se borraron 0 correos/);
    expect(await ids()).toEqual([pending]);
    await expect(cli({ 'older-than-days': 'mucho' })).rejects.toThrow(UsageError);
    await expect(cli({ 'older-than-days': true })).rejects.toThrow(UsageError);
  });

  it('the scheduler purges on its own (one instance at a time, under the outbox-retention lease)', async () => {
    await rt.deps.db.deleteFrom('outbox').execute();
    const id = await queueCredentials(rt.deps.db, rt.config, 'viejo@perno.cl', 'Vj0o-Aaaa-Bbbb-Cccc', rt.clock.now());
    expect(await rt.worker.runOnce()).toBe(1); // delivered to the dev mailbox
    rt.clock.advance(29 * DAY);
    await rt.scheduler.runDue();
    expect(await ids()).toEqual([id]);
    rt.clock.advance(2 * DAY);
    await rt.scheduler.runDue();
    expect(await ids()).toEqual([]);
  });

  it('refuses a mail whose secret was written into its body', async () => {
    await expect(
      enqueueMail(rt.deps.db, { to: 'x@perno.cl', subject: 'Clave', text: 'Su clave: s3cr3t-valor', html: '<p>s3cr3t-valor</p>', kind: 'custom', secrets: { '{{secreto:x:y}}': 's3cr3t-valor' } }, rt.clock.now()),
    ).rejects.toThrow(/placeholder/);
    // A mail without secrets is stored as before.
    const id = await enqueueMail(rt.deps.db, { to: 'x@perno.cl', subject: 'Hola', text: 'Hola', html: '<p>Hola</p>', kind: 'custom' }, rt.clock.now());
    expect((await rt.deps.db.selectFrom('outbox').select('secrets').where('id', '=', id).executeTakeFirstOrThrow()).secrets).toBeNull();
  });

  it('reads OUTBOX_RETENTION_DAYS and SMTP_TIMEOUT_SECONDS, the timeout kept well below the 60 s lease', () => {
    const defaults = loadConfig({ NODE_ENV: 'test' });
    expect(defaults.outboxRetentionMs).toBe(30 * DAY);
    expect(defaults.smtpTimeoutMs).toBe(15_000);
    expect(loadConfig({ NODE_ENV: 'test', OUTBOX_RETENTION_DAYS: '7', SMTP_TIMEOUT_SECONDS: '5' })).toMatchObject({ outboxRetentionMs: 7 * DAY, smtpTimeoutMs: 5_000 });
    expect(() => loadConfig({ NODE_ENV: 'test', SMTP_TIMEOUT_SECONDS: '45' })).toThrow(/SMTP_TIMEOUT_SECONDS \(45\) no puede pasar de la mitad de JOB_LEASE_SECONDS \(60\)/);
    expect(() => loadConfig({ NODE_ENV: 'test', OUTBOX_RETENTION_DAYS: '0' })).toThrow(/OUTBOX_RETENTION_DAYS/);
  });
});
