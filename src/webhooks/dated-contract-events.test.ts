import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { boot, type Runtime } from '../boot.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { isPostgresUrl } from '../db/create-db.ts';
import { HELP_DIR } from '../demo/seed-demo.ts';
import { importHelpTree } from '../help/import/import-help-tree.ts';
import { readHelpTree } from '../help/import/read-help-tree.ts';
import { addContractFor, createCustomerWithAdmin } from '../../tests/factories.ts';
import { principalOf } from '../../tests/help-schedule-fixtures.ts';
import { createTestStaff } from '../../tests/staff-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { endContract } from '../customers/end-contract.ts';
import { emitDatedContractEvents } from './dated-contract-events.ts';
import { ContractEndedData, ContractEndingData, ContractStartedData } from './webhook-payloads.ts';

// contract.started / .ending / .ended from the scheduler, on two portal
// runtimes sharing one database (a SQLite file, or one PostgreSQL schema),
// each with its own clock: once per contract and day across instances and
// runs, on the right side of Santiago's midnight, and after downtime within
// the catch-up days only.

let work: string;
let database: TestDatabase;
type Portal = Runtime & { clock: ManualClock };
let a: Portal;
let b: Portal;

/** 2026-12-01 23:59 in Santiago (summer time, UTC-3): a minute before 2026-12-02 starts there. */
const BEFORE_MIDNIGHT = new Date('2026-12-02T02:59:00Z');

async function bootPortal(): Promise<Portal> {
  const clock = new ManualClock(BEFORE_MIDNIGHT);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost', WEBHOOK_CATCH_UP_DAYS: '7' });
  const rt = await boot(config, pino({ level: 'silent' }), { clock, ...(database.schema ? { db: { searchPath: database.schema, poolSize: 4 } } : {}) });
  return Object.assign(rt, { clock });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'webhook-dates-'));
  const env = process.env.DATABASE_URL;
  database = env && isPostgresUrl(env) ? await createTestDatabase('whd') : { url: join(work, 'portal.sqlite'), schema: undefined, drop: async () => {} };
  a = await bootPortal();
  b = await bootPortal();
  // The systems contracts are for.
  await importHelpTree(a.deps.db, a.deps.dialect, readHelpTree(HELP_DIR), a.clock.now());
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.drop();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(async () => {
  for (const p of [a, b]) p.clock.set(BEFORE_MIDNIGHT);
  const db = a.deps.db;
  await db.deleteFrom('webhook_delivery_attempts').execute();
  await db.deleteFrom('webhook_deliveries').execute();
  await db.deleteFrom('webhook_events').execute();
  await db.deleteFrom('webhook_endpoints').execute();
  await db.deleteFrom('contracts').execute();
  // Someone listens to everything, so each event also has its delivery.
  await db.insertInto('webhook_endpoints').values({
    id: '00000000-0000-4000-8000-000000000001', url: 'https://crm.ejemplo.cl/hooks', description: 'CRM', events: 'contract.started contract.ending contract.ended',
    secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`, created_at: BEFORE_MIDNIGHT.toISOString(), created_by_label: 'test', updated_at: BEFORE_MIDNIGHT.toISOString(), disabled_at: null,
  }).onConflict((oc) => oc.column('id').doNothing()).execute();
});

const events = async (type?: string) => {
  let q = a.deps.db.selectFrom('webhook_events').selectAll().orderBy('created_at').orderBy('id');
  if (type) q = q.where('type', '=', type);
  return (await q.execute()).map((e) => ({ ...e, body: JSON.parse(e.payload) as { type: string; data: Record<string, unknown> } }));
};

/** Both instances' scheduler turns at the same moment (the job's lease lets one in; the event keys stop any second write). */
async function bothRun(): Promise<void> {
  await Promise.all([a.scheduler.runDue(), b.scheduler.runDue()]);
}

function advanceBoth(ms: number): void {
  a.clock.advance(ms);
  b.clock.advance(ms);
}

describe('dated contract events', () => {
  it('contract.started on its first day in Santiago, not a minute before, once across two instances and many runs', async () => {
    const c = await createCustomerWithAdmin(a.deps);
    // Recorded the day before it starts.
    const k = await addContractFor(a.deps, c.id, 'contabilidad', '2026-12-02', '2027-12-01');
    await bothRun();
    expect(await events('contract.started')).toEqual([]);
    advanceBoth(60_000);
    await bothRun();
    await bothRun();
    // The job itself, called straight from both instances at once (as a holder whose lease ran out would): still once.
    await Promise.all([emitDatedContractEvents(a.deps.db, a.clock.now(), { catchUpDays: 7 }), emitDatedContractEvents(b.deps.db, b.clock.now(), { catchUpDays: 7 })]);
    const got = await events('contract.started');
    expect(got).toHaveLength(1);
    expect(ContractStartedData.parse(got[0]!.body.data)).toEqual({
      contract: { id: k, system: { slug: 'contabilidad', name: expect.any(String) }, plan: 'Plan Pyme', startsOn: '2026-12-02', endsOn: '2027-12-01' },
      customer: { id: c.id, rut: c.rut, name: c.name },
    });
    expect(await a.deps.db.selectFrom('webhook_deliveries').select('id').where('event_id', '=', got[0]!.id).execute()).toHaveLength(1);
    // The next day and the day after: nothing new.
    advanceBoth(86_400_000);
    await bothRun();
    expect(await events('contract.started')).toHaveLength(1);
  });

  it('after downtime: a start day missed is sent once at the first run back; one older than the catch-up days is not; a contract recorded after its start is not', async () => {
    const c = await createCustomerWithAdmin(a.deps);
    // Recorded long ago, as the contracts of a portal running for years are.
    const old = '2026-10-01T12:00:00Z';
    const missed = await addContractFor(a.deps, c.id, 'contabilidad', '2026-11-27');
    const tooOld = await addContractFor(a.deps, c.id, 'remuneraciones', '2026-11-20');
    await a.deps.db.updateTable('contracts').set({ created_at: old }).where('id', 'in', [missed, tooOld]).execute();
    // Recorded today for a start last week: contract.created told it, with its dates.
    await addContractFor(a.deps, c.id, 'inventario', '2026-11-28');
    await bothRun();
    const got = await events('contract.started');
    expect(got.map((e) => (e.body.data as { contract: { id: string } }).contract.id)).toEqual([missed]);
    await bothRun();
    expect(await events('contract.started')).toHaveLength(1);
  });

  it('contract.ending 30 days before the last day (daysLeft), once per contract and last day; a moved end is told again', async () => {
    const c = await createCustomerWithAdmin(a.deps);
    const k = await addContractFor(a.deps, c.id, 'contabilidad', '2026-01-01', '2027-01-01');
    // 2026-12-01 in Santiago: 31 days left.
    await bothRun();
    expect(await events('contract.ending')).toEqual([]);
    advanceBoth(60_000);
    await bothRun();
    await bothRun();
    const got = await events('contract.ending');
    expect(got).toHaveLength(1);
    expect(ContractEndingData.parse(got[0]!.body.data)).toMatchObject({ contract: { id: k, endsOn: '2027-01-01' }, daysLeft: 30 });
    // Its end moved to a later day within 30 days: that is news, with the new day.
    const staff = principalOf(await createTestStaff(a.deps, 'admin'));
    await endContract(a.deps, staff, { id: k, endsOn: '2026-12-20' });
    await bothRun();
    await bothRun();
    const again = await events('contract.ending');
    expect(again.map((e) => (e.body.data as { daysLeft: number }).daysLeft).sort((x, y) => y - x)).toEqual([30, 18]);
  });

  it('contract.ended the day after its last day; an explicit end to a past day is sent at once and the scheduler does not repeat it', async () => {
    const c = await createCustomerWithAdmin(a.deps);
    const byDate = await addContractFor(a.deps, c.id, 'contabilidad', '2026-01-01', '2026-12-01');
    const explicit = await addContractFor(a.deps, c.id, 'remuneraciones', '2026-01-01');
    // 2026-12-01 is still its last day.
    await bothRun();
    expect(await events('contract.ended')).toEqual([]);
    const staff = principalOf(await createTestStaff(a.deps, 'admin'));
    await endContract(a.deps, staff, { id: explicit, endsOn: '2026-11-30' });
    expect((await events('contract.ended')).map((e) => (e.body.data as { contract: { id: string } }).contract.id)).toEqual([explicit]);
    // Midnight in Santiago: byDate's last day is over.
    advanceBoth(60_000);
    await bothRun();
    await bothRun();
    const got = await events('contract.ended');
    expect(got.map((e) => (e.body.data as { contract: { id: string } }).contract.id)).toEqual([explicit, byDate]);
    expect(ContractEndedData.parse(got[1]!.body.data)).toMatchObject({ contract: { id: byDate, endsOn: '2026-12-01' }, customer: { rut: c.rut } });
  });

  it('the first run on a database of old contracts announces none of them', async () => {
    const c = await createCustomerWithAdmin(a.deps);
    for (const [from, to] of [['2019-01-01', '2020-12-31'], ['2021-06-01', null], ['2024-02-01', '2025-01-31']] as const) {
      const k = await addContractFor(a.deps, c.id, 'contabilidad', from, to);
      await a.deps.db.updateTable('contracts').set({ created_at: `${from}T12:00:00Z` }).where('id', '=', k).execute();
    }
    advanceBoth(60_000);
    await bothRun();
    expect(await events()).toEqual([]);
  });
});
