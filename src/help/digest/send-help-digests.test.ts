import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, type Runtime } from '../../boot.ts';
import { ManualClock } from '../../clock.ts';
import { loadConfig } from '../../config.ts';
import { isPostgresUrl } from '../../db/create-db.ts';
import { HELP_DIR } from '../../demo/seed-demo.ts';
import { importHelpTree } from '../import/import-help-tree.ts';
import { readHelpTree } from '../import/read-help-tree.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser } from '../../../tests/factories.ts';
import { digestMails, subscribe } from '../../../tests/help-digest-fixtures.ts';
import { limitHelpTo } from '../../../tests/help-fixtures.ts';
import { clearVersions, publishVersion } from '../../../tests/help-version-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../../../tests/test-database.ts';
import { TEST_START, type TestRuntime } from '../../../tests/test-runtime.ts';
import { sendHelpDigests, UNSUBSCRIBE_LINK_DAYS } from './send-help-digests.ts';

// The weekly digest with two portal processes on one database, and one
// restarted: the database is a file (SQLite) or a schema (PostgreSQL) that
// outlives each runtime, booted the way server.ts boots.

type Portal = Runtime & { clock: ManualClock };
let work: string;
let database: TestDatabase;

/** Monday 9 March 2026, 08:00 in Santiago (summer time): the second week's digest is due. */
const WEEK2 = new Date('2026-03-09T11:00:00Z');
const WEEK3 = new Date('2026-03-16T11:00:00Z');
const HOUR = 3_600_000;

async function bootPortal(at: Date = TEST_START): Promise<Portal> {
  const clock = new ManualClock(at);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://portal.example.cl', TRUST_PROXY: 'true' });
  const rt = await boot(config, pino({ level: 'silent' }), { clock, ...(database.schema ? { db: { searchPath: database.schema, poolSize: 4 } } : {}) });
  return Object.assign(rt, { clock });
}
const asTest = (rt: Portal) => rt as unknown as TestRuntime;
const run = (rt: Portal, extra: { batchSize?: number; maxBatches?: number; beforeCommit?: (n: number) => void; signal?: AbortSignal } = {}) =>
  sendHelpDigests(rt.deps.db, { dialect: rt.deps.dialect, brand: rt.deps.config.brand, publicUrl: rt.deps.config.publicUrl, ...extra }, rt.clock.now());

async function freshDatabase(): Promise<Portal> {
  const env = process.env.DATABASE_URL;
  if (database) await database.drop();
  database = env && isPostgresUrl(env) ? await createTestDatabase('digest') : { url: join(work, `portal-${Math.random().toString(36).slice(2)}.sqlite`), schema: undefined, drop: async () => {} };
  const rt = await bootPortal();
  await importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(HELP_DIR), rt.clock.now());
  await clearVersions(asTest(rt));
  return rt;
}

/** A fresh portal with one subscribed administrator of a customer with Contabilidad. */
async function portalWithSubscriber() {
  const a = await freshDatabase();
  const t0 = a.clock.now();
  const c = await createCustomerWithAdmin(a.deps);
  await addContractFor(a.deps, c.id, 'contabilidad', '2025-01-01');
  await subscribe(a.deps.db, c.admin.id, t0);
  return { a, db: a.deps.db, t0, c };
}
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'help-digest-'));
});
afterAll(async () => {
  await database?.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('the weekly help digest', () => {
  it('mails each subscribed, enabled person once, about their readable systems only, from Monday 08:00, even with two portals at once', async () => {
    const a = await freshDatabase();
    const db = a.deps.db;
    const t0 = a.clock.now();
    const c1 = await createCustomerWithAdmin(a.deps, { name: 'Ferretería El Perno' });
    await addContractFor(a.deps, c1.id, 'contabilidad', '2025-01-01');
    await addContractFor(a.deps, c1.id, 'remuneraciones', '2025-01-01');
    const tech = await createTechnicalUser(a.deps, c1.id);
    await limitHelpTo(asTest(a), tech.id, ['remuneraciones']);
    const disabled = await createTechnicalUser(a.deps, c1.id, { disabled: true });
    const c2 = await createCustomerWithAdmin(a.deps); // not subscribed
    await addContractFor(a.deps, c2.id, 'contabilidad', '2025-01-01');
    const c3 = await createCustomerWithAdmin(a.deps); // subscribed, but nothing changed in its systems
    await addContractFor(a.deps, c3.id, 'inventario', '2025-01-01');
    for (const id of [c1.admin.id, tech.id, disabled.id, c3.admin.id]) await subscribe(db, id, t0);

    await publishVersion(asTest(a), { system: 'contabilidad', slug: 'cierre-mensual', note: 'Nuevo plazo del F29.', at: new Date(t0.getTime() + 24 * HOUR) });
    await publishVersion(asTest(a), { system: 'remuneraciones', slug: 'finiquitos', note: 'Indemnización 2026.', at: new Date(t0.getTime() + 48 * HOUR) });
    await publishVersion(asTest(a), { system: 'factura-electronica', slug: (await db.selectFrom('help_articles as h').innerJoin('systems as s', 's.id', 'h.system_id').select('h.slug').where('s.slug', '=', 'factura-electronica').executeTakeFirstOrThrow()).slug, note: 'Sin contrato.', at: new Date(t0.getTime() + 48 * HOUR) });

    // The week they subscribed in is already past its Monday 08:00 for them: nothing until the next.
    a.clock.set(new Date(WEEK2.getTime() - 60_000));
    expect(await run(a)).toMatchObject({ skipped: 'not-due', mailed: 0 });
    expect(await digestMails(db)).toEqual([]);

    const b = await bootPortal(WEEK2);
    a.clock.set(WEEK2);
    await Promise.all([a.scheduler.runDue(), b.scheduler.runDue(), a.scheduler.runDue(), b.scheduler.runDue()]);
    const mails = await digestMails(db);
    expect(mails.map((m) => m.to_address).sort()).toEqual([c1.admin.email, tech.email].sort());
    const adminMail = mails.find((m) => m.to_address === c1.admin.email)!;
    expect(adminMail.text_body).toContain('Nuevo plazo del F29.');
    expect(adminMail.text_body).toContain('Indemnización 2026.');
    expect(adminMail.text_body).not.toContain('Sin contrato.');
    const techMail = mails.find((m) => m.to_address === tech.email)!;
    expect(techMail.text_body).toContain('Indemnización 2026.');
    expect(techMail.text_body).not.toContain('F29');
    expect((await db.selectFrom('job_runs').selectAll().where('key', '=', 'help-digest:2026-W11').executeTakeFirstOrThrow()).finished_at).not.toBeNull();

    // Later that week, on either portal: nothing more.
    b.clock.set(new Date(WEEK2.getTime() + 30 * HOUR));
    expect(await run(b)).toMatchObject({ skipped: 'done' });
    expect(await digestMails(db)).toHaveLength(2);

    // The next week covers only what changed since the last mail; a person with nothing new gets nothing.
    await publishVersion(asTest(a), { system: 'contabilidad', slug: 'balance-general', note: 'Balance 2026.', at: new Date(WEEK2.getTime() + 50 * HOUR) });
    b.clock.set(WEEK3);
    expect(await run(b)).toMatchObject({ mailed: 1, finished: true });
    const third = (await digestMails(db)).slice(2);
    expect(third.map((m) => m.to_address)).toEqual([c1.admin.email]);
    expect(third[0]!.text_body).toContain('Balance 2026.');
    expect(third[0]!.text_body).not.toContain('F29');
    await a.close();
    await b.close();
  });

  it('goes in batches, each its own transaction: a crash midway or a restart neither loses nor doubles a mail', async () => {
    const a = await freshDatabase();
    const db = a.deps.db;
    const t0 = a.clock.now();
    const emails: string[] = [];
    for (let i = 0; i < 7; i++) {
      const c = await createCustomerWithAdmin(a.deps);
      await addContractFor(a.deps, c.id, 'contabilidad', '2025-01-01');
      await subscribe(db, c.admin.id, t0);
      emails.push(c.admin.email);
    }
    await publishVersion(asTest(a), { system: 'contabilidad', slug: 'cierre-mensual', note: 'Cambio de la semana.', at: new Date(t0.getTime() + HOUR) });
    a.clock.set(new Date(WEEK2.getTime() + 2 * HOUR));

    // One batch of 3 and the process stops (its next turn would go on).
    expect(await run(a, { batchSize: 3, maxBatches: 1 })).toMatchObject({ mailed: 3, finished: false });
    // The next batch fails before its commit: nothing of it stays, neither mails nor claims.
    await expect(
      run(a, {
        batchSize: 3,
        beforeCommit: () => {
          throw new Error('el proceso murió a mitad del lote');
        },
      }),
    ).rejects.toThrow('a mitad del lote');
    expect(await digestMails(db)).toHaveLength(3);
    await a.close();

    // A restarted portal finishes the week: every person once.
    const b = await bootPortal(new Date(WEEK2.getTime() + 3 * HOUR));
    expect(await run(b, { batchSize: 3 })).toMatchObject({ mailed: 4, finished: true });
    const mails = await digestMails(b.deps.db);
    expect(mails.map((m) => m.to_address).sort()).toEqual([...emails].sort());
    expect(await run(b, { batchSize: 3 })).toMatchObject({ skipped: 'done' });
    await b.close();
  });

  it('stops before its next batch once its signal aborts (the lease lost to another instance, the server stopping)', async () => {
    const a = await freshDatabase();
    const t0 = a.clock.now();
    for (let i = 0; i < 6; i++) {
      const c = await createCustomerWithAdmin(a.deps);
      await addContractFor(a.deps, c.id, 'contabilidad', '2025-01-01');
      await subscribe(a.deps.db, c.admin.id, t0);
    }
    await publishVersion(asTest(a), { system: 'contabilidad', slug: 'cierre-mensual', note: 'Cambio.', at: new Date(t0.getTime() + HOUR) });
    a.clock.set(WEEK2);
    const lease = new AbortController();
    // Lost while the first batch is being written: that batch commits whole, the other two are not started.
    expect(await run(a, { batchSize: 2, signal: lease.signal, beforeCommit: () => lease.abort() })).toMatchObject({ mailed: 2, finished: false });
    expect(await digestMails(a.deps.db)).toHaveLength(2);
    // The next holder finishes the week.
    expect(await run(a, { batchSize: 2 })).toMatchObject({ mailed: 4, finished: true });
    await a.close();
  });

  it('lets the server answer requests between batches (SQLite runs every query on the event loop)', async () => {
    const a = await freshDatabase();
    const t0 = a.clock.now();
    for (let i = 0; i < 6; i++) {
      const c = await createCustomerWithAdmin(a.deps);
      await addContractFor(a.deps, c.id, 'contabilidad', '2025-01-01');
      await subscribe(a.deps.db, c.admin.id, t0);
    }
    await publishVersion(asTest(a), { system: 'contabilidad', slug: 'cierre-mensual', note: 'Cambio.', at: new Date(t0.getTime() + HOUR) });
    a.clock.set(WEEK2);
    // A request that arrives while the job runs is a macrotask: it gets its turn only if the job gives the loop back.
    let turns = 0;
    const tick = () => {
      turns++;
      pending = setImmediate(tick);
    };
    let pending = setImmediate(tick);
    const out = await run(a, { batchSize: 2 });
    clearImmediate(pending);
    expect(out).toMatchObject({ mailed: 6, finished: true });
    expect(turns).toBeGreaterThanOrEqual(3);
    await a.close();
  });
  it('never loses a version that committed after a run but carries an earlier time (a long import, a slow publish)', async () => {
    const { a, db, t0, c } = await portalWithSubscriber();
    await publishVersion(asTest(a), { system: 'contabilidad', slug: 'cierre-mensual', note: 'Antes del lunes.', at: new Date(t0.getTime() + HOUR) });
    a.clock.set(WEEK2);
    expect(await run(a)).toMatchObject({ mailed: 1 });
    // Its transaction took its time at 07:58 and committed after the 08:00 run had read the versions.
    await publishVersion(asTest(a), { system: 'contabilidad', slug: 'balance-general', note: 'Importado a las 07:58.', at: new Date(WEEK2.getTime() - 2 * 60_000) });
    a.clock.set(WEEK3);
    expect(await run(a)).toMatchObject({ mailed: 1 });
    const mails = await digestMails(db);
    expect(mails.filter((m) => m.text_body.includes('Importado a las 07:58.'))).toHaveLength(1);
    // And what one mail listed, the next does not list again.
    expect(mails.filter((m) => m.text_body.includes('Antes del lunes.'))).toHaveLength(1);
    await a.close();
  });
  it('keeps a subscription\'s unsubscribe links for a year of mails, not forever', async () => {
    const { a, db, t0, c } = await portalWithSubscriber();
    const old = new Date(WEEK2.getTime() - (UNSUBSCRIBE_LINK_DAYS + 1) * 24 * HOUR).toISOString();
    const recent = new Date(WEEK2.getTime() - 30 * 24 * HOUR).toISOString();
    await db.insertInto('help_digest_unsubscribe_links').values([{ token_hash: 'viejo', user_id: c.admin.id, created_at: old }, { token_hash: 'reciente', user_id: c.admin.id, created_at: recent }]).execute();
    await publishVersion(asTest(a), { system: 'contabilidad', slug: 'cierre-mensual', note: 'Cambio.', at: new Date(t0.getTime() + HOUR) });
    a.clock.set(WEEK2);
    expect(await run(a)).toMatchObject({ mailed: 1 });
    const left = await db.selectFrom('help_digest_unsubscribe_links').select('token_hash').where('user_id', '=', c.admin.id).execute();
    expect(left.map((l) => l.token_hash)).not.toContain('viejo');
    expect(left.map((l) => l.token_hash)).toContain('reciente');
    expect(left).toHaveLength(2);
    await a.close();
  });
  it('sends nothing to someone who unsubscribed, was disabled, or whose customer was disabled', async () => {
    const a = await freshDatabase();
    const db = a.deps.db;
    const t0 = a.clock.now();
    const c = await createCustomerWithAdmin(a.deps);
    await addContractFor(a.deps, c.id, 'contabilidad', '2025-01-01');
    const gone = await createTechnicalUser(a.deps, c.id);
    const later = await createTechnicalUser(a.deps, c.id);
    const other = await createCustomerWithAdmin(a.deps);
    await addContractFor(a.deps, other.id, 'contabilidad', '2025-01-01');
    for (const id of [c.admin.id, gone.id, later.id, other.admin.id]) await subscribe(db, id, t0);
    const { setHelpDigestSubscription } = await import('./set-help-digest-subscription.ts');
    const { userPrincipal } = await import('../../../tests/help-digest-fixtures.ts');
    await setHelpDigestSubscription(db, await userPrincipal(db, gone.id), false, t0);
    await db.updateTable('users').set({ disabled_at: t0.toISOString() }).where('id', '=', later.id).execute();
    await db.updateTable('customers').set({ disabled_at: t0.toISOString() }).where('id', '=', other.id).execute();
    await publishVersion(asTest(a), { system: 'contabilidad', slug: 'cierre-mensual', note: 'Cambio.', at: new Date(t0.getTime() + HOUR) });
    a.clock.set(WEEK2);
    expect(await run(a)).toMatchObject({ mailed: 1, finished: true });
    expect((await digestMails(db)).map((m) => m.to_address)).toEqual([c.admin.email]);
    await a.close();
  });
});
