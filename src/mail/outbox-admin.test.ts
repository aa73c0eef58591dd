import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffPrincipal } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import { queueSecretMail, SECRET } from '../../tests/outbox-states.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { discardMail } from './discard-mail.ts';
import { countOutbox, listOutbox } from './list-outbox.ts';
import { enqueueMail } from './outbox.ts';
import { retryMail } from './retry-mail.ts';
import { viewMail } from './view-mail.ts';

// The console's outbox operations: list with filters, view without secrets, retry, discard.

let rt: TestRuntime;
const staff: StaffPrincipal = { kind: 'staff', staffId: 'c0000000-0000-4000-8000-000000000003', name: 'Rosa', email: 'rosa@proveedor.cl', role: 'soporte', ip: null };

async function plainMail(to: string) {
  return enqueueMail(rt.deps.db, { to, subject: 'Aviso', text: 'Sin secretos.', html: '<p>Sin secretos.</p>', kind: 'notice' }, rt.clock.now());
}

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

const audits = async (action: string) => rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action).execute();

describe('listOutbox', () => {
  it('filters by state (failed = tried and waiting), kind and recipient, and pages', async () => {
    await queueSecretMail(rt, 'uno@lista.cl', 'pending');
    await queueSecretMail(rt, 'dos@lista.cl', 'failed');
    await queueSecretMail(rt, 'tres@lista.cl', 'dead');
    await plainMail('cuatro@lista.cl');
    const db = rt.deps.db;
    expect((await listOutbox(db, { state: 'failed', to: 'LISTA.cl' })).map((m) => m.to)).toEqual(['dos@lista.cl']);
    expect((await listOutbox(db, { state: 'dead', to: 'lista' })).map((m) => m.to)).toEqual(['tres@lista.cl']);
    expect((await listOutbox(db, { state: 'pending', to: 'lista' })).map((m) => m.to).sort()).toEqual(['cuatro@lista.cl', 'dos@lista.cl', 'uno@lista.cl']);
    expect((await listOutbox(db, { kind: 'notice', to: 'lista' })).map((m) => m.to)).toEqual(['cuatro@lista.cl']);
    expect(await listOutbox(db, { to: '%' })).toHaveLength(0);
    const first = await listOutbox(db, { to: 'lista', limit: 2 });
    const rest = await listOutbox(db, { to: 'lista', limit: 2, offset: 2 });
    expect(new Set([...first, ...rest].map((m) => m.id)).size).toBe(4);
    expect((await countOutbox(db)).failed).toBeGreaterThanOrEqual(1);
    await expect(listOutbox(db, { state: 'perdido' })).rejects.toMatchObject({ fieldErrors: { state: 'Elija un estado de la lista.' } });
  });
});

describe('viewMail', () => {
  it('never shows a secret: placeholders read «oculto», whatever the state', async () => {
    for (const state of ['pending', 'dead', 'sent'] as const) {
      const m = await viewMail(rt.deps.db, await queueSecretMail(rt, `ver-${state}@x.cl`, state));
      expect(m.textBody).toBe('Hola. Su clave es «oculto».');
      expect(JSON.stringify(m)).not.toContain(SECRET);
      expect(m.hasSecret).toBe(true);
    }
    await expect(viewMail(rt.deps.db, 'no-es-un-id')).rejects.toMatchObject({ status: 404 });
    await expect(viewMail(rt.deps.db, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
  });
});

describe('retryMail', () => {
  it('makes a dead mail with its secret due now, and audits it', async () => {
    const id = await queueSecretMail(rt, 'revive@x.cl', 'dead');
    await retryMail(rt.deps, staff, id);
    const row = await rt.deps.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.dead_at).toBeNull();
    expect(row.next_attempt_at).toBe(rt.clock.now().toISOString());
    expect(row.secrets).not.toBeNull();
    const audit = (await audits('mail.retried')).find((a) => a.target_label === 'revive@x.cl')!;
    expect(audit).toMatchObject({ actor_kind: 'staff', actor_staff_id: staff.staffId });
  });

  it('makes a failed mail due now', async () => {
    const id = await queueSecretMail(rt, 'falla@x.cl', 'failed');
    await retryMail(rt.deps, staff, id);
    expect((await rt.deps.db.selectFrom('outbox').select('next_attempt_at').where('id', '=', id).executeTakeFirstOrThrow()).next_attempt_at).toBe(rt.clock.now().toISOString());
  });

  it('refuses a mail whose secret was erased, a sent one and an untried one, writing nothing', async () => {
    const before = (await audits('mail.retried')).length;
    const scrubbed = await queueSecretMail(rt, 'borrado@x.cl', 'dead-scrubbed');
    const err = await retryMail(rt.deps, staff, scrubbed).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toMatch(/Reenviar credenciales/);
    expect((await rt.deps.db.selectFrom('outbox').select('dead_at').where('id', '=', scrubbed).executeTakeFirstOrThrow()).dead_at).not.toBeNull();
    await expect(retryMail(rt.deps, staff, await queueSecretMail(rt, 'ya@x.cl', 'sent'))).rejects.toMatchObject({ status: 409 });
    await expect(retryMail(rt.deps, staff, await queueSecretMail(rt, 'nuevo@x.cl', 'pending'))).rejects.toMatchObject({ status: 409 });
    expect((await audits('mail.retried')).length).toBe(before);
  });
});

describe('discardMail', () => {
  it('marks a waiting mail dead (discarded), erases its secret, audits it; the worker never sends it', async () => {
    const id = await queueSecretMail(rt, 'descartar@x.cl', 'pending');
    await discardMail(rt.deps, staff, id);
    const row = await rt.deps.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ last_error_kind: 'discarded', secrets: null, sent_at: null });
    expect(row.dead_at).not.toBeNull();
    expect((await viewMail(rt.deps.db, id)).discarded).toBe(true);
    expect((await audits('mail.discarded')).some((a) => a.target_label === 'descartar@x.cl')).toBe(true);
    await rt.worker.runOnce();
    expect((await rt.deps.db.selectFrom('outbox').select('sent_at').where('id', '=', id).executeTakeFirstOrThrow()).sent_at).toBeNull();
    await expect(discardMail(rt.deps, staff, id)).rejects.toMatchObject({ status: 409 });
  });

  it('does not discard a mail the worker is sending right now', async () => {
    const id = await plainMail('enviando@x.cl');
    await rt.deps.db.updateTable('outbox').set({ locked_until: new Date(rt.clock.now().getTime() + 60_000).toISOString(), locked_by: 'w' }).where('id', '=', id).execute();
    await expect(discardMail(rt.deps, staff, id)).rejects.toMatchObject({ status: 409 });
  });
});
