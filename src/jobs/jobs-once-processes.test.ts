import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { boot, type Runtime } from '../boot.ts';
import { ManualClock } from '../clock.ts';
import { loadConfig } from '../config.ts';
import { isPostgresUrl } from '../db/create-db.ts';
import { HELP_DIR } from '../demo/seed-demo.ts';
import { importHelpTree } from '../help/import/import-help-tree.ts';
import { readHelpTree } from '../help/import/read-help-tree.ts';
import { scheduleArticleAction } from '../help/authoring/schedule-article-action.ts';
import { principalOf, writeDraft } from '../../tests/help-schedule-fixtures.ts';
import { queueCredentials } from '../../tests/mail-fixtures.ts';
import { startPortalInstances, urlWithSchema, type PortalInstances } from '../../tests/portal-instances.ts';
import { SmtpPeer } from '../../tests/smtp-peer.ts';
import { createTestStaff } from '../../tests/staff-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import type { TestRuntime } from '../../tests/test-runtime.ts';

// Two real portal processes on one PostgreSQL schema; the one holding the
// scheduled-publishing lease and a mail's claim is SIGKILLed mid-way through
// both. The other takes over once the leases run out, and each article is
// published once and the mail sent once. PostgreSQL only (`runIf`): it
// needs two processes on one database and a row lock held from outside.

const postgres = isPostgresUrl(process.env.DATABASE_URL ?? '');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** "YYYY-MM-DD" and "HH:MM" of `at` in Santiago, as the schedule form takes them. */
function santiago(at: Date): { day: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Santiago', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

let database: TestDatabase | undefined;
let setup: Runtime | undefined;
let cluster: PortalInstances | undefined;
let locker: pg.Client | undefined;
const smtp = new SmtpPeer();
afterAll(async () => {
  await locker?.end().catch(() => {});
  await cluster?.close();
  await setup?.close();
  await smtp.stop();
  await database?.drop();
});

describe.runIf(postgres)('jobs once across real processes', () => {
  it('a SIGKILLed holder mid-way: the other process takes over once the leases expire; each article is published once, the mail sent once', { timeout: 120_000 }, async () => {
    await smtp.start();
    database = await createTestDatabase('jobsk');
    // The staff's side, from this process: the help, two editors, three drafts.
    const clock = new ManualClock(new Date(Date.now() - 10 * 60_000));
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost' });
    setup = await boot(config, pino({ level: 'silent' }), { clock, db: { searchPath: database.schema!, poolSize: 2 } });
    const db = setup.deps.db;
    const rt = Object.assign(setup, { clock }) as unknown as TestRuntime;
    await importHelpTree(db, setup.deps.dialect, readHelpTree(HELP_DIR), clock.now());
    const author = await createTestStaff(setup.deps, 'editor');
    const editor = await createTestStaff(setup.deps, 'editor');
    const articles = await db.selectFrom('help_articles').select('id').where('published', '=', 1).orderBy('id').limit(3).execute();
    for (const [i, a] of articles.entries()) await writeDraft(rt, a.id, author, `Programado ${i + 1}`);

    // B first, then paused (SIGSTOP) while A takes the work, so the test knows who holds what.
    cluster = await startPortalInstances(1, { proxy: false, database, smtp, env: { DEMO_DATA: 'false' } });
    const b = cluster.instances[0]!;
    process.kill(b.pid, 'SIGSTOP');

    // Three publishes due a few minutes ago, taken in this order (run_at, then id).
    const when = santiago(new Date(Date.now() - 5 * 60_000));
    for (const [i, a] of articles.entries()) {
      await scheduleArticleAction(db, { dialect: 'postgres', now: clock.now(), selfPublish: false }, principalOf(editor), { articleId: a.id, action: 'publish', ...when, changeNote: `Publicar ${i + 1}` });
    }
    const order = await db.selectFrom('help_schedules').select(['id', 'article_id']).orderBy('run_at').orderBy('id').execute();
    expect(order).toHaveLength(3);
    const [s1, s2] = order as [(typeof order)[0], (typeof order)[0]];
    // The second article's row is locked from outside: whoever runs the job publishes the first, then waits mid-run, holding the lease.
    locker = new pg.Client({ connectionString: urlWithSchema(process.env.DATABASE_URL!, database.schema!) });
    await locker.connect();
    await locker.query('begin');
    await locker.query('select id from help_articles where id = $1 for update', [s2.article_id]);
    // And the mail's sender will be kept waiting for the SMTP greeting: connected, holding the mail's claim, nothing sent yet.
    smtp.holdGreetings = true;

    // A waits up to 6 s for the greeting (3 s by default here, and a timed-out greeting gives the claim back): the
    // steps from "A holds the claim" to "A is dead" must fit in that wait even on a loaded CI machine. Its leases
    // are 12 s, as the configuration asks (twice the SMTP wait); B keeps the harness's 6 s.
    const a = await cluster.startInstance('A', { JOB_LEASE_SECONDS: '12', SMTP_TIMEOUT_SECONDS: '6' });
    await until(
      'A to publish the first article and wait on the second, holding the lease',
      async () => {
        const lease = await db.selectFrom('job_leases').selectAll().where('name', '=', 'help-schedules').executeTakeFirst();
        const done = new Set((await db.selectFrom('help_schedules').select(['id', 'done_at']).execute()).filter((d) => d.done_at).map((d) => d.id));
        return lease?.holder.endsWith(`:${a.pid}`) && done.has(s1.id) && !done.has(s2.id);
      },
      30_000,
    );
    // The mail is queued only now, with A running (B is stopped, so A claims it, at its next poll): queued before A
    // started, A claimed it at start, and on a loaded machine its start and the first publish could outlast the
    // greeting wait, so that A's failed try was still being written down when it died (a claim freed, not a double send).
    await queueCredentials(db, config, 'tomada@losaromos.cl', 'Tm4d-Aaaa-Bbbb-Cccc', new Date());
    await until('A to connect to the SMTP receiver with the mail claimed', async () => {
      const row = await db.selectFrom('outbox').select(['locked_until', 'sent_at']).where('to_address', '=', 'tomada@losaromos.cl').executeTakeFirstOrThrow();
      return smtp.connections >= 1 && row.locked_until !== null && row.sent_at === null;
    }, 20_000);

    // Both run; then A dies mid-way: its transaction on the second article never commits, its leases stay behind, unrenewed.
    process.kill(b.pid, 'SIGCONT');
    await sleep(300);
    await a.kill('SIGKILL');
    const leftBehind = await db.selectFrom('job_leases').selectAll().where('name', '=', 'help-schedules').executeTakeFirstOrThrow();
    expect(leftBehind.holder.endsWith(`:${a.pid}`)).toBe(true);
    const mailClaim = await db.selectFrom('outbox').select(['locked_until', 'attempts']).where('to_address', '=', 'tomada@losaromos.cl').executeTakeFirstOrThrow();
    expect(mailClaim, 'A died holding the mail claim (its first try still waiting for the greeting)').toMatchObject({ attempts: 0, locked_until: expect.any(String) });
    smtp.releaseGreetings();
    await sleep(300);
    await locker.query('rollback');
    expect(smtp.received).toHaveLength(0);

    // B takes over once A's leases run out (12 s): the publishing job at the lease's expiry (B's turn found it held
    // and looks again then, not at its next turn 15 s on), the mail at its next poll (2 s).
    await until('B to publish the other two', async () => (await db.selectFrom('help_schedules').select('id').where('done_at', 'is', null).execute()).length === 0, 45_000);
    await smtp.waitFor('tomada@losaromos.cl', /credenciales/i, 30_000);

    // Exactly once each: one version row from the schedule per article, every schedule done (not failed), the mail sent once.
    for (const [i, s] of order.entries()) {
      const versions = await db.selectFrom('help_article_versions').select('change_note').where('article_id', '=', s.article_id).where('source', '=', 'schedule').execute();
      expect(versions, `article ${i + 1}`).toEqual([{ change_note: `Publicar ${articles.findIndex((x) => x.id === s.article_id) + 1}` }]);
      expect((await db.selectFrom('help_schedules').select('outcome').where('id', '=', s.id).executeTakeFirstOrThrow()).outcome).toBe('done');
    }
    // Not before the dead holder's leases expired.
    const rest = await db.selectFrom('help_schedules').select('done_at').where('id', '!=', s1.id).execute();
    for (const r of rest) expect(r.done_at! >= leftBehind.expires_at).toBe(true);
    if (process.env.DEBUG_INSTANCES) process.stdout.write(`taken over ${rest.map((r) => Date.parse(r.done_at!) - Date.parse(leftBehind.expires_at)).join(', ')} ms after the lease expired\n`);
    const mail = await db.selectFrom('outbox').select(['sent_at', 'message_id', 'attempts']).where('to_address', '=', 'tomada@losaromos.cl').executeTakeFirstOrThrow();
    // One attempt, B's: a second would be A's try recorded as failed after the test read A's claim (the setup above rules it out).
    expect(Number(mail.attempts), 'attempts counted on the mail').toBe(1);
    // If it fails again: what both instances logged of the mail, and the claim the test read.
    const mailLines = (o: string) => o.split('\n').filter((l) => /mail|smtp|lease/i.test(l)).map((l) => l.slice(0, 300)).join('\n');
    expect(mail.sent_at! >= mailClaim.locked_until!, `sent ${mail.sent_at}, A's claim ${JSON.stringify(mailClaim)}, A's job lease ${leftBehind.expires_at}\nA:\n${mailLines(a.output())}\nB:\n${mailLines(b.output())}`).toBe(true);
    expect(smtp.received.filter((r) => r.to.includes('tomada@losaromos.cl'))).toHaveLength(1);
    expect(smtp.to('tomada@losaromos.cl')).toHaveLength(1);
    expect(smtp.received[0]!.messageId).toBe(mail.message_id);
    expect(b.alive).toBe(true);
    // The lease was given back after B's run (or is B's, if a turn is running now).
    const lease = await db.selectFrom('job_leases').select('holder').where('name', '=', 'help-schedules').executeTakeFirst();
    expect(lease === undefined || lease.holder.endsWith(`:${b.pid}`)).toBe(true);

  });
});
