import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot, type Runtime } from '../../boot.ts';
import { ManualClock } from '../../clock.ts';
import { loadConfig } from '../../config.ts';
import { isPostgresUrl } from '../../db/create-db.ts';
import { HELP_DIR } from '../../demo/seed-demo.ts';
import { importHelpTree } from '../import/import-help-tree.ts';
import { readHelpTree } from '../import/read-help-tree.ts';
import { principalOf, writeDraft } from '../../../tests/help-schedule-fixtures.ts';
import { createTestStaff, type TestStaff } from '../../../tests/staff-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../../../tests/test-database.ts';
import { TEST_START, type TestRuntime } from '../../../tests/test-runtime.ts';
import { listSchedules } from './list-schedules.ts';
import { publishDraft } from './publish-draft.ts';
import { runDueSchedules } from './run-due-schedules.ts';
import { scheduleArticleAction } from './schedule-article-action.ts';

// Two portal processes on one database, and one restarted: the database is a
// file (SQLite) or a schema (PostgreSQL) that outlives each runtime, booted
// the way server.ts boots, each with its own clock.

let work: string;
let database: TestDatabase;
let author: TestStaff;
let editor: TestStaff;
const tree = readHelpTree(HELP_DIR);

async function bootPortal(clock = new ManualClock(TEST_START)): Promise<Runtime & { clock: ManualClock }> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost', TRUST_PROXY: 'true' });
  const rt = await boot(config, pino({ level: 'silent' }), { clock, ...(database.schema ? { db: { searchPath: database.schema, poolSize: 4 } } : {}) });
  return Object.assign(rt, { clock });
}

// The fixtures want a TestRuntime; these tests only use its deps and clock.
const asTest = (rt: Runtime & { clock: ManualClock }) => rt as unknown as TestRuntime;

/** Santiago 2026-03-02 13:00 (summer time): an hour after every runtime's start. */
const DUE = new Date('2026-03-02T16:00:00Z');

async function scheduleDraftPublish(rt: Runtime & { clock: ManualClock }, articleId: string, title: string, time = '13:00') {
  await writeDraft(asTest(rt), articleId, author, title);
  const ctx = { dialect: rt.deps.dialect, now: rt.clock.now(), selfPublish: false };
  return scheduleArticleAction(rt.deps.db, ctx, principalOf(editor), { articleId, action: 'publish', day: '2026-03-02', time, changeNote: `Publicar ${title}` });
}

async function articleIds(rt: Runtime, n: number, offset: number): Promise<string[]> {
  return (await rt.deps.db.selectFrom('help_articles').select('id').where('published', '=', 1).orderBy('id').offset(offset).limit(n).execute()).map((r) => r.id);
}

async function auditFor(rt: Runtime, action: string, articleId: string) {
  const rows = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action as never).execute();
  return rows.filter((r) => JSON.parse(r.detail ?? '{}').articleId === articleId);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'help-schedules-'));
  const env = process.env.DATABASE_URL;
  database = env && isPostgresUrl(env) ? await createTestDatabase('sched') : { url: join(work, 'portal.sqlite'), schema: undefined, drop: async () => {} };
  const rt = await bootPortal();
  await importHelpTree(rt.deps.db, rt.deps.dialect, tree, rt.clock.now());
  author = await createTestStaff(rt.deps, 'editor');
  editor = await createTestStaff(rt.deps, 'editor');
  await rt.close();
});
afterAll(async () => {
  await database.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('the help-schedules job', () => {
  it('does nothing before the time, publishes at it, and never again after', async () => {
    const rt = await bootPortal();
    try {
      const [id] = await articleIds(rt, 1, 0);
      const s = await scheduleDraftPublish(rt, id!, 'Tasa nueva');
      rt.clock.set(new Date(DUE.getTime() - 1000));
      await rt.scheduler.runDue();
      expect((await rt.deps.db.selectFrom('help_articles').select('title').where('id', '=', id!).executeTakeFirstOrThrow()).title).not.toBe('Tasa nueva');
      rt.clock.set(DUE);
      await rt.scheduler.runDue();
      const a = await rt.deps.db.selectFrom('help_articles').select(['title', 'version_no', 'published']).where('id', '=', id!).executeTakeFirstOrThrow();
      expect(a).toMatchObject({ title: 'Tasa nueva', published: 1 });
      const [view] = await listSchedules(rt.deps.db, { articleId: id! });
      expect(view).toMatchObject({ id: s.id, state: 'done', doneAt: DUE.toISOString(), outcomeDetail: `Publicada la versión ${a.version_no}.` });
      rt.clock.set(new Date(DUE.getTime() + 3_600_000));
      await rt.scheduler.runDue();
      const versions = await rt.deps.db.selectFrom('help_article_versions').selectAll().where('article_id', '=', id!).where('source', '=', 'schedule').execute();
      expect(versions.map((v) => [v.source, v.change_note, v.published_by_label])).toEqual([['schedule', 'Publicar Tasa nueva', editor.name]]);
      // The staff member who scheduled it is the actor; the server did it (no address), at the time they chose.
      const published = await auditFor(rt, 'help.published', id!);
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ actor_kind: 'staff', actor_staff_id: editor.id, ip: null });
      expect(JSON.parse(published[0]!.detail!)).toMatchObject({ source: 'schedule' });
    } finally {
      await rt.close();
    }
  });

  it('fails once, with the reason, when the draft changed after it was scheduled; the draft is kept', async () => {
    const rt = await bootPortal();
    try {
      const [id] = await articleIds(rt, 1, 1);
      await scheduleDraftPublish(rt, id!, 'Primera versión');
      await writeDraft(asTest(rt), id!, author, 'Segunda versión', 2);
      rt.clock.set(DUE);
      await rt.scheduler.runDue();
      await rt.scheduler.runDue();
      const [view] = await listSchedules(rt.deps.db, { articleId: id! });
      expect(view).toMatchObject({ state: 'failed', stateLabel: 'Falló' });
      expect(view!.outcomeDetail).toBe('El borrador cambió después de programar la publicación (se programó su revisión 1) o ya no existe: no se publicó. Revise el borrador y vuelva a programarla.');
      expect(await rt.deps.db.selectFrom('help_article_versions').select('id').where('article_id', '=', id!).where('source', '=', 'schedule').execute()).toEqual([]);
      expect((await rt.deps.db.selectFrom('help_article_drafts').select('title').where('article_id', '=', id!).executeTakeFirstOrThrow()).title).toBe('Segunda versión');
      const failed = await auditFor(rt, 'help.schedule-failed', id!);
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ actor_staff_id: editor.id });
      expect(JSON.parse(failed[0]!.detail!)).toMatchObject({ scheduled: true, reason: view!.outcomeDetail });
    } finally {
      await rt.close();
    }
  });

  it('does not publish a later draft that happens to have the revision it was scheduled for (the scheduled one was published by hand)', async () => {
    const rt = await bootPortal();
    try {
      const [id] = await articleIds(rt, 1, 5);
      await scheduleDraftPublish(rt, id!, 'Revisada y programada');
      // Published by hand before the time: that draft is gone.
      await rt.deps.db.transaction().execute((trx) =>
        publishDraft(trx, { dialect: rt.deps.dialect, now: rt.clock.now(), selfPublish: false }, principalOf(editor), { articleId: id!, changeNote: 'Publicada antes' }),
      );
      // A new draft, not reviewed by whoever scheduled the publish: a new draft starts again at revision 1.
      rt.clock.set(new Date(DUE.getTime() - 30 * 60_000));
      await writeDraft(asTest(rt), id!, author, 'Nadie la revisó', 1);
      rt.clock.set(DUE);
      await rt.scheduler.runDue();
      const [view] = await listSchedules(rt.deps.db, { articleId: id! });
      expect(view).toMatchObject({ state: 'failed' });
      expect(view!.outcomeDetail).toBe('El borrador cambió después de programar la publicación (se programó su revisión 1) o ya no existe: no se publicó. Revise el borrador y vuelva a programarla.');
      expect(await rt.deps.db.selectFrom('help_article_versions').select('id').where('article_id', '=', id!).where('source', '=', 'schedule').execute()).toEqual([]);
      expect((await rt.deps.db.selectFrom('help_articles').select('title').where('id', '=', id!).executeTakeFirstOrThrow()).title).toBe('Revisada y programada');
      expect((await rt.deps.db.selectFrom('help_article_drafts').select('title').where('article_id', '=', id!).executeTakeFirstOrThrow()).title).toBe('Nadie la revisó');
    } finally {
      await rt.close();
    }
  });

  it('fails when the person who scheduled it can no longer publish, and unpublishes on time', async () => {
    const rt = await bootPortal();
    try {
      const [first, second] = await articleIds(rt, 2, 2);
      const other = await createTestStaff(rt.deps, 'editor');
      await writeDraft(asTest(rt), first!, author, 'Sin permiso');
      const ctx = { dialect: rt.deps.dialect, now: rt.clock.now(), selfPublish: false };
      await scheduleArticleAction(rt.deps.db, ctx, principalOf(other), { articleId: first!, action: 'publish', day: '2026-03-02', time: '13:00', changeNote: 'x' });
      await scheduleArticleAction(rt.deps.db, ctx, principalOf(editor), { articleId: second!, action: 'unpublish', day: '2026-03-02', time: '13:00' });
      await rt.deps.db.updateTable('staff').set({ role: 'lectura' }).where('id', '=', other.id).execute();
      rt.clock.set(DUE);
      await rt.scheduler.runDue();
      const [failed] = await listSchedules(rt.deps.db, { articleId: first! });
      expect(failed).toMatchObject({ state: 'failed' });
      expect(failed!.outcomeDetail).toMatch(/ya no puede publicar ayuda/);
      const [done] = await listSchedules(rt.deps.db, { articleId: second! });
      expect(done).toMatchObject({ state: 'done', outcomeDetail: 'Despublicado.' });
      expect((await rt.deps.db.selectFrom('help_articles').select('published').where('id', '=', second!).executeTakeFirstOrThrow()).published).toBe(0);
      expect(await auditFor(rt, 'help.unpublished', second!)).toHaveLength(1);
    } finally {
      await rt.close();
    }
  });

  it('a failure that is not the content’s (the database refuses the write) claims nothing: the next turn does it', async () => {
    const rt = await bootPortal();
    try {
      const [id] = await articleIds(rt, 1, 40);
      await scheduleDraftPublish(rt, id!, 'Tras la falla');
      // Every version write fails, as a full disk or a lost connection would fail it.
      if (rt.deps.dialect === 'postgres') {
        await sql`create function refuse_versions() returns trigger language plpgsql as $$ begin raise exception 'could not write to file'; end $$`.execute(rt.deps.db);
        await sql`create trigger refuse_versions before insert on help_article_versions for each row execute function refuse_versions()`.execute(rt.deps.db);
      } else {
        await sql`create trigger refuse_versions before insert on help_article_versions begin select raise(abort, 'disk I/O error'); end`.execute(rt.deps.db);
      }
      const opts = { dialect: rt.deps.dialect, selfPublish: false };
      expect(await runDueSchedules(rt.deps.db, opts, DUE)).toEqual({ done: 0, failed: 0, skipped: 0, retry: 1 });
      const [pending] = await listSchedules(rt.deps.db, { articleId: id! });
      expect(pending).toMatchObject({ state: 'pending', doneAt: null });
      expect(await auditFor(rt, 'help.schedule-failed', id!)).toEqual([]);
      await sql`drop trigger refuse_versions${sql.raw(rt.deps.dialect === 'postgres' ? ' on help_article_versions' : '')}`.execute(rt.deps.db);
      expect(await runDueSchedules(rt.deps.db, opts, new Date(DUE.getTime() + 15_000))).toMatchObject({ done: 1, retry: 0 });
      expect((await rt.deps.db.selectFrom('help_articles').select('title').where('id', '=', id!).executeTakeFirstOrThrow()).title).toBe('Tras la falla');
    } finally {
      await rt.close();
    }
  });

  it('two portals on one database, running at once, publish each schedule exactly once', async () => {
    const a = await bootPortal();
    const b = await bootPortal();
    try {
      const ids = await articleIds(a, 12, 10);
      for (const [i, id] of ids.entries()) await scheduleDraftPublish(i % 2 ? a : b, id, `Compartido ${i}`);
      a.clock.set(DUE);
      b.clock.set(DUE);
      const opts = (rt: Runtime) => ({ dialect: rt.deps.dialect, selfPublish: false });
      const results = await Promise.all(
        [...Array(8)].flatMap(() => [runDueSchedules(a.deps.db, opts(a), DUE), runDueSchedules(b.deps.db, opts(b), DUE), a.scheduler.runDue(), b.scheduler.runDue()]),
      );
      const done = results.reduce<number>((n, r) => n + (r ? r.done : 0), 0);
      const failed = results.reduce<number>((n, r) => n + (r ? r.failed + r.retry : 0), 0);
      expect(failed).toBe(0);
      // The scheduler's own runs report nothing; what they did shows in the rows below.
      expect(done).toBeLessThanOrEqual(ids.length);
      for (const id of ids) {
        const versions = await a.deps.db.selectFrom('help_article_versions').select('version_no').where('article_id', '=', id).where('source', '=', 'schedule').execute();
        expect(versions, id).toHaveLength(1);
        expect(await auditFor(a, 'help.published', id), id).toHaveLength(1);
        const [view] = await listSchedules(a.deps.db, { articleId: id });
        expect(view, id).toMatchObject({ state: 'done' });
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a schedule made before a restart runs once after it', async () => {
    const before = await bootPortal();
    const [id] = await articleIds(before, 1, 30);
    await scheduleDraftPublish(before, id!, 'Tras reiniciar');
    await before.close();
    const after = await bootPortal(new ManualClock(new Date(DUE.getTime() + 60_000)));
    try {
      await after.scheduler.runDue();
      await after.scheduler.runDue();
      const [view] = await listSchedules(after.deps.db, { articleId: id! });
      expect(view).toMatchObject({ state: 'done' });
      expect(await after.deps.db.selectFrom('help_article_versions').select('id').where('article_id', '=', id!).where('source', '=', 'schedule').execute()).toHaveLength(1);
      expect((await after.deps.db.selectFrom('help_articles').select('title').where('id', '=', id!).executeTakeFirstOrThrow()).title).toBe('Tras reiniciar');
    } finally {
      await after.close();
    }
  });
  it('fifty schedules that keep failing for the system’s reasons do not keep a later one from running', async () => {
    const rt = await bootPortal();
    const { db, dialect } = rt.deps;
    const ids = await articleIds(rt, 51, 20);
    expect(ids).toHaveLength(51);
    try {
      for (const id of ids) await writeDraft(asTest(rt), id, author, `Programada ${id.slice(0, 6)}`);
      const at = (n: number) => new Date(DUE.getTime() - (60 - n) * 60_000).toISOString();
      await db
        .insertInto('help_schedules')
        .values(ids.map((id, n) => ({
          id: randomUUID(), article_id: id, action: 'publish', run_at: at(n), draft_revision: null, change_note: n < 50 ? 'veneno' : 'La buena',
          created_by_staff_id: editor.id, created_by_label: editor.email, created_at: rt.clock.now().toISOString(), done_at: null, outcome: null, outcome_detail: null,
        })))
        .execute();
      // The first fifty (the earliest) fail on every try, as a write the database refuses would.
      if (dialect === 'postgres') {
        await sql`create function refuse_poison() returns trigger language plpgsql as $$ begin raise exception 'could not write to file'; end $$`.execute(db);
        await sql`create trigger refuse_poison before insert on help_article_versions for each row when (new.change_note = 'veneno') execute function refuse_poison()`.execute(db);
      } else {
        await sql`create trigger refuse_poison before insert on help_article_versions when new.change_note = 'veneno' begin select raise(abort, 'disk I/O error'); end`.execute(db);
      }
      try {
        expect(await runDueSchedules(db, { dialect, selfPublish: false }, DUE)).toEqual({ done: 1, failed: 0, skipped: 0, retry: 50 });
        expect((await db.selectFrom('help_articles').select('title').where('id', '=', ids[50]!).executeTakeFirstOrThrow()).title).toBe(`Programada ${ids[50]!.slice(0, 6)}`);
      } finally {
        await sql`drop trigger refuse_poison${sql.raw(dialect === 'postgres' ? ' on help_article_versions' : '')}`.execute(db);
        await db.updateTable('help_schedules').set({ done_at: DUE.toISOString(), outcome: 'cancelled' }).where('change_note', '=', 'veneno').where('done_at', 'is', null).execute();
      }
    } finally {
      await rt.close();
    }
  });
});
