import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, newRut } from '../../tests/factories.ts';
import { inTransaction } from '../../tests/help-authoring-fixtures.ts';
import { principalOf, writeDraft } from '../../tests/help-schedule-fixtures.ts';
import { createTestStaff, type TestStaff } from '../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { WebhookReceiver } from '../../tests/webhook-receiver.ts';
import type { CustomerUserPrincipal, Principal } from '../auth/principal.ts';
import { addContract } from '../customers/add-contract.ts';
import { addCustomerAdmin } from '../customers/add-customer-admin.ts';
import { createCustomer } from '../customers/create-customer.ts';
import { endContract } from '../customers/end-contract.ts';
import { insertCustomerWithAdmin } from '../customers/insert-customer-with-admin.ts';
import { inviteTechnicalUser } from '../customers/invite-technical-user.ts';
import { setCustomerDisabled } from '../customers/set-customer-disabled.ts';
import { setUserDisabled } from '../customers/set-user-disabled.ts';
import { formatRut } from '../domain/rut.ts';
import { publishDraft } from '../help/authoring/publish-draft.ts';
import { runDueSchedules } from '../help/authoring/run-due-schedules.ts';
import { scheduleArticleAction } from '../help/authoring/schedule-article-action.ts';
import { runImport } from '../imports/run-import.ts';
import { webhookBodySchema } from './webhook-payloads.ts';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.ts';
import { WebhookWorker } from './webhook-worker.ts';

// Each event type through the real operation that causes it: the event is
// written in that operation's transaction, its body matches the documented
// schema (webhook-payloads.ts), and it holds no secret.

let rt: TestRuntime;
let staff: Principal;
let author: TestStaff;
let editor: TestStaff;
let receiver: WebhookReceiver;

beforeAll(async () => {
  rt = await createTestRuntime({ env: { WEBHOOK_ALLOW_LOCALHOST: 'true' } });
  staff = principalOf(await createTestStaff(rt.deps, 'admin'));
  author = await createTestStaff(rt.deps, 'editor');
  editor = await createTestStaff(rt.deps, 'editor');
  receiver = new WebhookReceiver(() => rt.clock.now());
  await receiver.start();
  await receiver.register(rt.deps.db, WEBHOOK_EVENT_TYPES);
});
afterAll(async () => {
  await receiver.stop();
  await rt.close();
});
beforeEach(async () => {
  await rt.deps.db.deleteFrom('webhook_delivery_attempts').execute();
  await rt.deps.db.deleteFrom('webhook_deliveries').execute();
  await rt.deps.db.deleteFrom('webhook_events').execute();
});

/** The events written so far, parsed and checked against their schema, oldest first. */
async function events(type?: WebhookEventType) {
  let q = rt.deps.db.selectFrom('webhook_events').selectAll().orderBy('created_at');
  if (type) q = q.where('type', '=', type);
  const rows = await q.execute();
  return rows.map((r) => {
    const body = webhookBodySchema(r.type as WebhookEventType).strict().parse(JSON.parse(r.payload));
    return { id: r.id, type: r.type, body, raw: r.payload };
  });
}

/** Every secret the outbox holds (temporary passwords): none may be in any event. */
async function secrets(): Promise<string[]> {
  const rows = await rt.deps.db.selectFrom('outbox').select('secrets').where('secrets', 'is not', null).execute();
  return rows.flatMap((r) => Object.values(JSON.parse(r.secrets!) as Record<string, string>));
}

async function expectNoSecrets(): Promise<void> {
  const all = (await events()).map((e) => e.raw).join('\n');
  const s = await secrets();
  expect(s.length).toBeGreaterThan(0);
  for (const secret of s) expect(all).not.toContain(secret);
  expect(all).not.toMatch(/password|clave|hash|\$argon2/i);
}

describe('webhook events from the operations', () => {
  it('customer.created (and the admin\'s user.created) from createCustomer, RUT canonical whatever was typed', async () => {
    const rut = newRut();
    const { customerId, adminId } = await createCustomer(rt.deps, staff, { rut: formatRut(rut).toLowerCase(), name: 'Comercial Uno SpA', adminName: 'Ana Pérez', adminEmail: 'ana@uno.cl' });
    const [created] = await events('customer.created');
    expect(created!.body.data).toEqual({
      customer: { id: customerId, rut, name: 'Comercial Uno SpA', createdAt: rt.clock.now().toISOString() },
      admin: { id: adminId, email: 'ana@uno.cl', name: 'Ana Pérez' },
    });
    const [user] = await events('user.created');
    expect(user!.body.data).toEqual({
      user: { id: adminId, email: 'ana@uno.cl', name: 'Ana Pérez', role: 'admin', createdAt: rt.clock.now().toISOString() },
      customer: { id: customerId, rut, name: 'Comercial Uno SpA' },
    });
    // One delivery each to the endpoint, written with them.
    expect(await rt.deps.db.selectFrom('webhook_deliveries').select('event_id').execute()).toHaveLength(2);
    await expectNoSecrets();
  });

  it('two creations of one RUT at once: one customer, one customer.created', async () => {
    const rut = newRut();
    const results = await Promise.allSettled([0, 1].map((i) => createCustomer(rt.deps, staff, { rut, name: 'Doble SpA', adminName: 'Ana', adminEmail: `ana${i}@doble.cl` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await events('customer.created')).toHaveLength(1);
    expect(await events('user.created')).toHaveLength(1);
  });

  it('a transaction that fails after emitting leaves no event and no delivery', async () => {
    const boom = new Error('falla después de emitir');
    await expect(
      rt.deps.db.transaction().execute(async (trx) => {
        await insertCustomerWithAdmin(trx, rt.config, staff, {
          customerId: randomUUID(), rut: newRut(), name: 'Nunca SpA', admin: { id: randomUUID(), name: 'Nadie', email: 'nadie@nunca.cl' },
          temporaryPassword: 'Temporal-Nunca-7391', passwordHash: 'y', now: rt.clock.now(),
        });
        expect(await trx.selectFrom('webhook_events').select('id').execute()).toHaveLength(2);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await rt.deps.db.selectFrom('webhook_events').select('id').execute()).toEqual([]);
    expect(await rt.deps.db.selectFrom('webhook_deliveries').select('id').execute()).toEqual([]);
  });

  it('customer.disabled from setCustomerDisabled, only when it changed (not on enable, not twice)', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await Promise.all([setCustomerDisabled(rt.deps, staff, { id: c.id }, true), setCustomerDisabled(rt.deps, staff, { id: c.id }, true)]);
    await setCustomerDisabled(rt.deps, staff, { id: c.id }, true);
    await setCustomerDisabled(rt.deps, staff, { id: c.id }, false);
    const got = await events();
    expect(got.map((e) => e.type)).toEqual(['customer.disabled']);
    expect(got[0]!.body.data).toEqual({ customer: { id: c.id, rut: c.rut, name: c.name, disabledAt: rt.clock.now().toISOString() } });
  });

  it('contract.created from addContract', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const { id } = await addContract(rt.deps, staff, { id: c.id }, { system: 'contabilidad', plan: 'Plan Pyme', startsOn: '2026-04-01', endsOn: '2027-03-31' });
    const [e] = await events('contract.created');
    const system = await rt.deps.db.selectFrom('systems').select(['slug', 'name']).where('slug', '=', 'contabilidad').executeTakeFirstOrThrow();
    expect(e!.body.data).toEqual({
      contract: { id, system, plan: 'Plan Pyme', startsOn: '2026-04-01', endsOn: '2027-03-31' },
      customer: { id: c.id, rut: c.rut, name: c.name },
    });
  });

  it('the import: customer.created, user.created and contract.created for each row, in its one transaction', async () => {
    const rut = newRut();
    const csv = [
      'rut,razon_social,admin_nombre,admin_correo,sistema,plan,desde,hasta',
      `${formatRut(rut)},Importada SpA,Ines Import,ines@importada.cl,contabilidad,Plan Pyme,2026-01-01,`,
      `${rut},Importada SpA,,,remuneraciones,Plan Full,2026-05-01,2026-12-31`,
    ].join('\n');
    const r = await runImport(rt.deps, { kind: 'staff', staffId: author.id, name: author.name, email: author.email, role: 'admin', ip: null }, { fileName: 'clientes.csv', text: csv });
    expect(r.status).toBe('done');
    const got = await events();
    expect(got.map((e) => e.type).sort()).toEqual(['contract.created', 'contract.created', 'customer.created', 'user.created']);
    const contracts = got.filter((e) => e.type === 'contract.created').map((e) => e.body.data as { contract: { system: { slug: string }; endsOn: string | null }; customer: { rut: string } });
    expect(contracts.map((k) => [k.contract.system.slug, k.contract.endsOn, k.customer.rut]).sort()).toEqual([['contabilidad', null, rut], ['remuneraciones', '2026-12-31', rut]]);
    await expectNoSecrets();
  });

  it('contract.ended from endContract when the last day set is already past; a future last day is left to the scheduler', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const past = await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01');
    const future = await addContractFor(rt.deps, c.id, 'remuneraciones', '2025-01-01');
    // Today in Santiago is 2026-03-02.
    await endContract(rt.deps, staff, { id: past, endsOn: '2026-02-28' });
    await endContract(rt.deps, staff, { id: future, endsOn: '2026-03-02' });
    const got = await events();
    expect(got.map((e) => e.type)).toEqual(['contract.ended']);
    expect(got[0]!.body.data).toMatchObject({ contract: { id: past, endsOn: '2026-02-28', system: { slug: 'contabilidad' } }, customer: { id: c.id, rut: c.rut } });
  });

  it('user.created from inviteTechnicalUser (the administrator\'s "Agregar usuarios") and from addCustomerAdmin; user.disabled for the replaced one', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const admin: CustomerUserPrincipal = { kind: 'user', userId: c.admin.id, name: 'Ana', email: c.admin.email, role: 'admin', customer: { id: c.id, rut: c.rut, name: c.name }, ip: null };
    const tech = await inviteTechnicalUser(rt.deps, admin, c.id, { name: 'Tomás Técnico', email: 'tomas@cliente.cl' });
    const next = await addCustomerAdmin(rt.deps, staff, c.id, { name: 'Beto Nuevo', email: 'beto@cliente.cl', replaces: c.admin.id, previousBecomes: 'disabled' });
    const got = await events();
    expect(got.map((e) => e.type)).toEqual(['user.created', 'user.disabled', 'user.created']);
    expect(got[0]!.body.data).toMatchObject({ user: { id: tech.id, email: 'tomas@cliente.cl', name: 'Tomás Técnico', role: 'technical' }, customer: { id: c.id, rut: c.rut } });
    expect(got[1]!.body.data).toEqual({
      user: { id: c.admin.id, email: c.admin.email, name: 'Ana Administradora', role: 'admin', disabledAt: rt.clock.now().toISOString() },
      customer: { id: c.id, rut: c.rut, name: c.name },
    });
    expect(got[2]!.body.data).toMatchObject({ user: { id: next.id, email: 'beto@cliente.cl', role: 'admin' } });
    await expectNoSecrets();
  });

  it('user.disabled from setUserDisabled, once, not on enable', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const u = await createTechnicalUser(rt.deps, c.id);
    const ref = { customerId: c.id, userId: u.id };
    await Promise.all([setUserDisabled(rt.deps, staff, ref, true), setUserDisabled(rt.deps, staff, ref, true)]);
    await setUserDisabled(rt.deps, staff, ref, false);
    const got = await events();
    expect(got.map((e) => e.type)).toEqual(['user.disabled']);
    expect(got[0]!.body.data).toMatchObject({ user: { id: u.id, email: u.email, role: 'technical' }, customer: { id: c.id } });
  });

  it('article.published from publishDraft, by hand and by a schedule', async () => {
    const articles = await rt.deps.db.selectFrom('help_articles as a').innerJoin('systems as s', 's.id', 'a.system_id').select(['a.id', 'a.slug', 'a.version_no', 's.slug as system']).where('a.published', '=', 1).orderBy('a.id').limit(2).execute();
    const [one, two] = articles;
    await writeDraft(rt, one!.id, author, 'Título nuevo a mano');
    const { versionNo } = await inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, principalOf(editor), { articleId: one!.id, changeNote: 'Corrección' }));
    await writeDraft(rt, two!.id, author, 'Título programado');
    const ctx = { dialect: rt.deps.dialect, now: rt.clock.now(), selfPublish: false };
    await scheduleArticleAction(rt.deps.db, ctx, principalOf(editor), { articleId: two!.id, action: 'publish', day: '2026-03-02', time: '13:00', changeNote: 'Programada' });
    rt.clock.advance(3_600_000);
    await runDueSchedules(rt.deps.db, { dialect: rt.deps.dialect, selfPublish: false }, rt.clock.now());
    const got = await events('article.published');
    expect(got).toHaveLength(2);
    expect(got[0]!.body.data).toMatchObject({
      article: { id: one!.id, title: 'Título nuevo a mano', version: versionNo, path: `/ayuda/${one!.system}/${one!.slug}` },
      system: { slug: one!.system },
    });
    expect(got[1]!.body.data).toMatchObject({ article: { id: two!.id, title: 'Título programado', publishedAt: rt.clock.now().toISOString() } });
    rt.clock.advance(-3_600_000);
  });

  it('every event reaches a real receiver, signed and verified, each once', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await setCustomerDisabled(rt.deps, staff, { id: c.id }, true);
    await addContract(rt.deps, staff, { id: c.id }, { system: 'contabilidad', plan: 'Plan Pyme', startsOn: '2026-03-01', endsOn: '' });
    const written = await events();
    const seen = receiver.received.length;
    const w = new WebhookWorker({ db: rt.deps.db, clock: rt.clock, log: pino({ level: 'silent' }), policy: rt.config.webhooks, timeoutMs: 2_000, maxAttempts: 3, retryBaseMs: 1_000, maxBackoffMs: 1_000, leaseMs: 10_000 });
    try {
      expect(await w.runOnce()).toBe(written.length);
    } finally {
      await w.stop();
    }
    expect(receiver.badSignatures).toBe(0);
    const got = receiver.received.slice(seen);
    expect(got.map((g) => g.id).sort()).toEqual(written.map((e) => e.id).sort());
    for (const g of got) expect(g.body).toBe(written.find((e) => e.id === g.id)!.raw);
  });
});
