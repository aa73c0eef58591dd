import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.ts';
import { createTestStaff, type TestStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { principalOf, someArticle, writeContext, writeDraft } from '../../../tests/help-schedule-fixtures.ts';
import { cancelSchedule } from './cancel-schedule.ts';
import { listSchedules } from './list-schedules.ts';
import { scheduleArticleAction } from './schedule-article-action.ts';

let rt: TestRuntime;
let author: TestStaff;
let editor: TestStaff;
let reader: TestStaff;

beforeAll(async () => {
  rt = await createTestRuntime();
  author = await createTestStaff(rt.deps, 'editor');
  editor = await createTestStaff(rt.deps, 'editor');
  reader = await createTestStaff(rt.deps, 'lectura');
});
afterAll(() => rt.close());

async function refusal(p: Promise<unknown>): Promise<Record<string, string>> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).fieldErrors;
}

describe('scheduleArticleAction', () => {
  it('keeps the draft revision and the instant in UTC, and audits it', async () => {
    const a = await someArticle(rt, 0);
    await writeDraft(rt, a.id, author, 'Nuevo título', 3);
    const s = await scheduleArticleAction(rt.deps.db, writeContext(rt), principalOf(editor), { articleId: a.id, action: 'publish', day: '2026-04-04', time: '23:30', changeNote: 'Nueva tasa' });
    expect(s.runAt.toISOString()).toBe('2026-04-05T02:30:00.000Z');
    expect(s.ambiguous).toBe(true);
    const [view] = await listSchedules(rt.deps.db, { articleId: a.id });
    expect(view).toMatchObject({ id: s.id, action: 'publish', draftRevision: 3, state: 'pending', stateLabel: 'Pendiente', changeNote: 'Nueva tasa', createdByLabel: editor.email, articleTitle: 'Nuevo título' });
    expect(view!.runAtLabel).toBe('sábado, 4 de abril de 2026, 23:30 (hora de Santiago)');
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'help.schedule-created').execute();
    expect(audit.filter((e) => JSON.parse(e.detail ?? '{}').scheduleId === s.id)).toHaveLength(1);
  });

  it('refuses a second pending action of the same kind, even two at once', async () => {
    const a = await someArticle(rt, 1);
    const input = { articleId: a.id, action: 'unpublish' as const, day: '2026-05-01', time: '08:00', changeNote: '' };
    const results = await Promise.allSettled([1, 2, 3].map(() => scheduleArticleAction(rt.deps.db, writeContext(rt), principalOf(editor), input)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as ValidationError).fieldErrors.day).toMatch(/^Ya hay una despublicación programada para el viernes, 1 de mayo de 2026, 08:00/);
    expect(await listSchedules(rt.deps.db, { articleId: a.id, pendingOnly: true })).toHaveLength(1);
  });

  it('refuses the skipped hour, the past, bad input and a publish without a draft or a note, writing nothing', async () => {
    const a = await someArticle(rt, 2);
    const by = principalOf(editor);
    const ctx = writeContext(rt);
    const base = { articleId: a.id, action: 'unpublish' as const, changeNote: '' };
    expect((await refusal(scheduleArticleAction(rt.deps.db, ctx, by, { ...base, day: '2026-09-06', time: '00:30' }))).time).toBe(
      'Las 00:30 del 2026-09-06 no existen en Santiago: esa noche los relojes se adelantan una hora. Elija otra hora (por ejemplo, una hora más tarde).',
    );
    expect((await refusal(scheduleArticleAction(rt.deps.db, ctx, by, { ...base, day: '2026-03-02', time: '12:00' }))).day).toMatch(/ya pasaron/);
    expect((await refusal(scheduleArticleAction(rt.deps.db, ctx, by, { ...base, day: '2026-02-30', time: '12:00' }))).day).toMatch(/no son válidas/);
    expect((await refusal(scheduleArticleAction(rt.deps.db, ctx, by, { ...base, day: 'mañana', time: '25' }))).day).toMatch(/AAAA-MM-DD/);
    expect((await refusal(scheduleArticleAction(rt.deps.db, ctx, by, { ...base, action: 'publish', day: '2026-05-01', time: '08:00', changeNote: 'x' }))).action).toMatch(/no tiene un borrador/);
    expect((await refusal(scheduleArticleAction(rt.deps.db, ctx, by, { ...base, action: 'publish', day: '2026-05-01', time: '08:00' }))).changeNote).toMatch(/^Escriba una nota que diga qué cambió/);
    expect(await listSchedules(rt.deps.db, { articleId: a.id })).toEqual([]);
  });

  it('refuses to schedule the publish of one’s own draft (four eyes), unless self-publishing is on', async () => {
    const a = await someArticle(rt, 6);
    await writeDraft(rt, a.id, editor, 'Lo escribí yo');
    const input = { articleId: a.id, action: 'publish', day: '2026-05-01', time: '08:00', changeNote: 'Cambio' };
    expect((await refusal(scheduleArticleAction(rt.deps.db, writeContext(rt), principalOf(editor), input))).action).toMatch(/cuatro ojos/);
    await scheduleArticleAction(rt.deps.db, { ...writeContext(rt), selfPublish: true }, principalOf(editor), input);
  });

  it('is for help:publish only, and an unknown article is a 404', async () => {
    const a = await someArticle(rt, 3);
    const input = { articleId: a.id, action: 'unpublish' as const, day: '2026-05-01', time: '08:00' };
    await expect(scheduleArticleAction(rt.deps.db, writeContext(rt), principalOf(reader), input)).rejects.toMatchObject({ status: 403 });
    await expect(scheduleArticleAction(rt.deps.db, writeContext(rt), principalOf(editor), { ...input, articleId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('cancelSchedule', () => {
  it('cancels once; a second cancel is refused; another article’s id is a 404', async () => {
    const a = await someArticle(rt, 4);
    const other = await someArticle(rt, 5);
    const s = await scheduleArticleAction(rt.deps.db, writeContext(rt), principalOf(editor), { articleId: a.id, action: 'unpublish', day: '2026-06-01', time: '09:15' });
    await expect(cancelSchedule(rt.deps.db, writeContext(rt), principalOf(editor), { scheduleId: s.id, articleId: other.id })).rejects.toMatchObject({ status: 404 });
    await expect(cancelSchedule(rt.deps.db, writeContext(rt), principalOf(reader), { scheduleId: s.id, articleId: a.id })).rejects.toMatchObject({ status: 403 });
    const twice = await Promise.allSettled([1, 2].map(() => cancelSchedule(rt.deps.db, writeContext(rt), principalOf(editor), { scheduleId: s.id, articleId: a.id })));
    expect(twice.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const [view] = await listSchedules(rt.deps.db, { articleId: a.id });
    expect(view).toMatchObject({ state: 'cancelled', stateLabel: 'Cancelado', outcomeDetail: `Cancelada por ${editor.name}.` });
    expect(await listSchedules(rt.deps.db, { articleId: a.id, pendingOnly: true })).toEqual([]);
    // Cancelled, the kind is free again.
    await scheduleArticleAction(rt.deps.db, writeContext(rt), principalOf(editor), { articleId: a.id, action: 'unpublish', day: '2026-06-02', time: '09:15' });
  });
});
