import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPrincipal, inTransaction } from '../../../tests/help-authoring-fixtures.ts';
import { createTestStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import { createArticle } from './create-article.ts';
import { discardDraft } from './discard-draft.ts';
import { DRAFT_CONFLICT_MESSAGE, DraftConflictError } from './draft-errors.ts';
import { publishDraft } from './publish-draft.ts';
import { saveDraft, type SaveDraftInput } from './save-draft.ts';
import { startDraft } from './start-draft.ts';
import { submitDraft } from './submit-draft.ts';

let rt: TestRuntime;
let systemId: string;
let categoryId: string;
let ana: StaffPrincipal;
let beto: StaffPrincipal;
let publisher: StaffPrincipal;

beforeAll(async () => {
  rt = await createTestRuntime();
  systemId = (await rt.deps.db.selectFrom('systems').select('id').where('slug', '=', 'contabilidad').executeTakeFirstOrThrow()).id;
  categoryId = (await rt.deps.db.selectFrom('help_categories').select('id').where('system_id', '=', systemId).orderBy('position').executeTakeFirstOrThrow()).id;
  ana = asPrincipal(await createTestStaff(rt.deps, 'editor', { name: 'Ana' }));
  beto = asPrincipal(await createTestStaff(rt.deps, 'editor', { name: 'Beto' }));
  publisher = asPrincipal(await createTestStaff(rt.deps, 'admin', { name: 'Pía' }));
});
afterAll(() => rt?.close());

const create = (slug: string) =>
  inTransaction(rt.deps, (trx, ctx) => createArticle(trx, ctx, ana, { systemId, categoryId, title: `Título ${slug}`, slug, summary: '', tags: '', position: 0, body: 'Uno.' }));
const save = (by: StaffPrincipal, articleId: string, expectedRevision: number, body: string, over: Partial<SaveDraftInput> = {}) =>
  inTransaction(rt.deps, (trx, ctx) => saveDraft(trx, ctx, by, { articleId, expectedRevision, categoryId, title: 'Título', slug: over.slug ?? 'se-mantiene', summary: '', tags: '', position: 0, body, ...over }));
const draft = (articleId: string) => rt.deps.db.selectFrom('help_article_drafts').selectAll().where('article_id', '=', articleId).executeTakeFirst();
const savedAudits = async (articleId: string) =>
  (await rt.deps.db.selectFrom('audit_events').select('detail').where('action', '=', 'help.draft-saved').execute()).filter((e) => JSON.parse(e.detail!).articleId === articleId).length;

describe('saving a draft (optimistic locking)', () => {
  it('moves the revision by one per save, audited each time', async () => {
    const { articleId } = await create('se-mantiene');
    expect(await save(ana, articleId, 1, 'Dos.')).toEqual({ revision: 2 });
    expect(await save(ana, articleId, 2, 'Tres.')).toEqual({ revision: 3 });
    expect((await draft(articleId))!.body_md).toBe('Tres.');
    expect(await savedAudits(articleId)).toBe(2);
  });

  it('refuses a save naming an older revision, with what is stored, and changes nothing', async () => {
    const { articleId } = await create('viejo');
    await save(ana, articleId, 1, 'Lo de Ana.', { slug: 'viejo' });
    const err = await save(beto, articleId, 1, 'Lo de Beto.', { slug: 'viejo' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DraftConflictError);
    expect((err as DraftConflictError).message).toBe(DRAFT_CONFLICT_MESSAGE);
    expect((err as DraftConflictError).saved).toMatchObject({ revision: 2, body: 'Lo de Ana.', updatedByLabel: 'Ana' });
    expect((await draft(articleId))!.body_md).toBe('Lo de Ana.');
  });

  it('two saves of the same revision at once: exactly one wins, the other gets the conflict', async () => {
    const { articleId } = await create('a-la-vez');
    const results = await Promise.allSettled([save(ana, articleId, 1, 'Ana gana.', { slug: 'a-la-vez' }), save(beto, articleId, 1, 'Beto gana.', { slug: 'a-la-vez' })]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(DraftConflictError);
    const d = (await draft(articleId))!;
    expect(d.revision).toBe(2);
    expect(['Ana gana.', 'Beto gana.']).toContain(d.body_md);
    expect(await savedAudits(articleId)).toBe(1);
  });

  it('two first saves of a published article (no draft yet) at once: one draft, one conflict', async () => {
    const a = await rt.deps.db.selectFrom('help_articles').select(['id', 'slug', 'category_id', 'version_no']).where('system_id', '=', systemId).where('published', '=', 1).orderBy('slug').executeTakeFirstOrThrow();
    const results = await Promise.allSettled([
      save(ana, a.id, 0, 'Ana.', { slug: a.slug, categoryId: a.category_id }),
      save(beto, a.id, 0, 'Beto.', { slug: a.slug, categoryId: a.category_id }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof DraftConflictError)).toHaveLength(1);
    const d = (await draft(a.id))!;
    expect(d.revision).toBe(1);
    expect(d.base_version).toBe(a.version_no);
  });

  it('two publishes of one draft at once: one version, the other refused', async () => {
    const { articleId } = await create('dos-publicaciones');
    const results = await Promise.allSettled([
      inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, publisher, { articleId, changeNote: 'Primera.' })),
      inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, beto, { articleId, changeNote: 'Otra.' })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const versions = await rt.deps.db.selectFrom('help_article_versions').select('version_no').where('article_id', '=', articleId).execute();
    expect(versions).toEqual([{ version_no: 1 }]);
  });

  it('refuses a slug another article holds, and derives one from the title when empty', async () => {
    const { articleId } = await create('propio');
    const other = await rt.deps.db.selectFrom('help_articles').select('slug').where('system_id', '=', systemId).where('id', '!=', articleId).executeTakeFirstOrThrow();
    await expect(save(ana, articleId, 1, 'x', { slug: other.slug })).rejects.toMatchObject({ fieldErrors: { slug: expect.stringContaining('Ya existe otro artículo') } });
    await save(ana, articleId, 1, 'x', { slug: '', title: 'Mi Título Ñandú (2026)' });
    expect((await draft(articleId))!.slug).toBe('mi-titulo-nandu-2026');
  });
});

describe('starting, submitting and discarding', () => {
  it('startDraft copies the published version once, from its version number', async () => {
    const a = await rt.deps.db.selectFrom('help_articles').select(['id', 'title']).where('system_id', '=', systemId).where('published', '=', 1).orderBy('slug', 'desc').executeTakeFirstOrThrow();
    await rt.deps.db.updateTable('help_articles').set({ version_no: 4 }).where('id', '=', a.id).execute();
    const first = await inTransaction(rt.deps, (trx, ctx) => startDraft(trx, ctx, ana, { articleId: a.id }));
    expect(first).toMatchObject({ title: a.title, revision: 1, base_version: 4, author_label: 'Ana', state: 'draft' });
    const again = await inTransaction(rt.deps, (trx, ctx) => startDraft(trx, ctx, beto, { articleId: a.id }));
    expect(again.author_label).toBe('Ana');
  });

  it('submits to review without moving the revision, and not twice', async () => {
    const { articleId } = await create('a-revision');
    await inTransaction(rt.deps, (trx, ctx) => submitDraft(trx, ctx, ana, { articleId, expectedRevision: 1 }));
    expect(await draft(articleId)).toMatchObject({ state: 'review', revision: 1 });
    await expect(inTransaction(rt.deps, (trx, ctx) => submitDraft(trx, ctx, ana, { articleId, expectedRevision: 1 }))).rejects.toThrow('El borrador ya está en revisión.');
  });

  it('a save after the submit takes the draft out of review: the reviewer is never shown a text nobody sent', async () => {
    const { articleId } = await create('revision-cambiada');
    await inTransaction(rt.deps, (trx, ctx) => submitDraft(trx, ctx, ana, { articleId, expectedRevision: 1 }));
    await save(beto, articleId, 1, 'Otro texto, escrito después del envío.', { slug: 'revision-cambiada' });
    expect(await draft(articleId)).toMatchObject({ state: 'draft', submitted_at: null, revision: 2 });
    await inTransaction(rt.deps, (trx, ctx) => submitDraft(trx, ctx, beto, { articleId, expectedRevision: 2 }));
    expect(await draft(articleId)).toMatchObject({ state: 'review', revision: 2 });
  });

  it('a new draft never reuses an earlier draft’s revision: a page or schedule left open on the old one cannot publish the new text', async () => {
    const a = await rt.deps.db.selectFrom('help_articles').select(['id', 'slug', 'category_id']).where('system_id', '=', systemId).where('published', '=', 1).orderBy('slug').limit(1).offset(5).executeTakeFirstOrThrow();
    await save(ana, a.id, 0, 'Primer borrador, revisado por Pía.', { slug: a.slug, categoryId: a.category_id });
    await inTransaction(rt.deps, (trx, ctx) => discardDraft(trx, ctx, ana, { articleId: a.id, expectedRevision: 1 }));
    const { revision } = await save(ana, a.id, 0, 'Otro texto que nadie revisó.', { slug: a.slug, categoryId: a.category_id });
    expect(revision).toBe(2);
    // Pía's page still names revision 1, the one she read.
    await expect(inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, publisher, { articleId: a.id, changeNote: 'Revisado.', expectedRevision: 1 }))).rejects.toBeInstanceOf(DraftConflictError);
    expect((await inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, publisher, { articleId: a.id, changeNote: 'Revisado.', expectedRevision: 2 }))).versionNo).toBeGreaterThan(0);
    // After a publish too: the next draft goes on from 2.
    expect((await save(beto, a.id, 0, 'Tercero.', { slug: a.slug, categoryId: a.category_id })).revision).toBe(3);
    expect(await draft(a.id)).toMatchObject({ revision: 3 });
  });

  it('discarding the draft of a never-published article removes the article and frees its slug; of a published one keeps what readers see', async () => {
    const { articleId } = await create('descartable');
    expect(await inTransaction(rt.deps, (trx, ctx) => discardDraft(trx, ctx, ana, { articleId, expectedRevision: 1 }))).toEqual({ articleDeleted: true });
    expect(await rt.deps.db.selectFrom('help_articles').select('id').where('id', '=', articleId).execute()).toEqual([]);
    await create('descartable');

    const a = await rt.deps.db.selectFrom('help_articles').select(['id', 'slug', 'category_id', 'body_md']).where('system_id', '=', systemId).where('published', '=', 1).orderBy('slug').limit(1).offset(3).executeTakeFirstOrThrow();
    await save(ana, a.id, 0, 'Cambio que se descarta.', { slug: a.slug, categoryId: a.category_id });
    await expect(inTransaction(rt.deps, (trx, ctx) => discardDraft(trx, ctx, ana, { articleId: a.id, expectedRevision: 7 }))).rejects.toBeInstanceOf(DraftConflictError);
    expect(await inTransaction(rt.deps, (trx, ctx) => discardDraft(trx, ctx, ana, { articleId: a.id, expectedRevision: 1 }))).toEqual({ articleDeleted: false });
    expect((await rt.deps.db.selectFrom('help_articles').select('body_md').where('id', '=', a.id).executeTakeFirstOrThrow()).body_md).toBe(a.body_md);
    expect(await draft(a.id)).toBeUndefined();
  });
});
