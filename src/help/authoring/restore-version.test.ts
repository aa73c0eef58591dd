import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPrincipal, inTransaction } from '../../../tests/help-authoring-fixtures.ts';
import { createTestStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import type { StaffPrincipal } from '../../auth/principal.ts';
import { createArticle } from './create-article.ts';
import { diffVersions } from './diff-versions.ts';
import { DraftConflictError } from './draft-errors.ts';
import { listVersions } from './list-versions.ts';
import { publishDraft } from './publish-draft.ts';
import { readVersion } from './read-version.ts';
import { restoreVersion } from './restore-version.ts';
import { saveDraft } from './save-draft.ts';

let rt: TestRuntime;
let author: StaffPrincipal;
let publisher: StaffPrincipal;
let articleId: string;
let categoryId: string;

beforeAll(async () => {
  rt = await createTestRuntime();
  const systemId = (await rt.deps.db.selectFrom('systems').select('id').where('slug', '=', 'contabilidad').executeTakeFirstOrThrow()).id;
  categoryId = (await rt.deps.db.selectFrom('help_categories').select('id').where('system_id', '=', systemId).orderBy('position').executeTakeFirstOrThrow()).id;
  author = asPrincipal(await createTestStaff(rt.deps, 'editor', { name: 'Autora' }));
  publisher = asPrincipal(await createTestStaff(rt.deps, 'editor', { name: 'Publicador' }));
  ({ articleId } = await inTransaction(rt.deps, (trx, ctx) =>
    createArticle(trx, ctx, author, { systemId, categoryId, title: 'Cierre anual', slug: 'cierre-anual', summary: 'Resumen uno.', tags: 'cierre', position: 1, body: 'Paso uno.\nPaso dos.\n' }),
  ));
  await inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, publisher, { articleId, changeNote: 'Primera versión.' }));
  await inTransaction(rt.deps, (trx, ctx) =>
    saveDraft(trx, ctx, author, { articleId, expectedRevision: 0, categoryId, title: 'Cierre del año', slug: 'cierre-anual', summary: 'Resumen uno.', tags: 'cierre, año', position: 1, body: 'Paso uno.\nPaso 2 corregido.\nPaso tres.\n' }),
  );
  rt.clock.advance(60_000);
  await inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, publisher, { articleId, changeNote: 'Un paso más.' }));
});
afterAll(() => rt?.close());

describe('versions', () => {
  it('lists every version newest first, with who, why and from where', async () => {
    const versions = await listVersions(rt.deps.db, articleId);
    expect(versions.map((v) => [v.versionNo, v.title, v.changeNote, v.source, v.authorLabel, v.publishedByLabel])).toEqual([
      [2, 'Cierre del año', 'Un paso más.', 'console', 'Autora', 'Publicador'],
      [1, 'Cierre anual', 'Primera versión.', 'console', 'Autora', 'Publicador'],
    ]);
  });

  it('diffs two versions word by word in the fields and line by line in the body', async () => {
    const d = await diffVersions(rt.deps.db, articleId, 1, 2);
    const field = (name: string) => d.fields.find((f) => f.field === name)!;
    expect(field('summary').changed).toBe(false);
    expect(field('title').parts).toEqual([
      { kind: 'same', text: 'Cierre ' },
      { kind: 'removed', text: 'anual' },
      { kind: 'added', text: 'del año' },
    ]);
    const body = field('body').parts;
    expect(body.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['dos']);
    expect(body.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['2 corregido', 'Paso tres.']);
    expect(await readVersion(rt.deps.db, articleId, 'actual')).toMatchObject({ title: 'Cierre del año', label: 'Publicado ahora' });
  });

  it('restores version 1 into a new draft without publishing it, then over that draft only at its revision', async () => {
    const { revision } = await inTransaction(rt.deps, (trx, ctx) => restoreVersion(trx, ctx, publisher, { articleId, versionNo: 1 }));
    // The article's two earlier drafts reached revisions 1 and 2; this one goes on from there.
    expect(revision).toBe(3);
    const draft = await rt.deps.db.selectFrom('help_article_drafts').selectAll().where('article_id', '=', articleId).executeTakeFirstOrThrow();
    expect(draft).toMatchObject({ title: 'Cierre anual', body_md: 'Paso uno.\nPaso dos.', base_version: 2, author_label: 'Publicador' });
    expect((await rt.deps.db.selectFrom('help_articles').select('title').where('id', '=', articleId).executeTakeFirstOrThrow()).title).toBe('Cierre del año');
    expect((await diffVersions(rt.deps.db, articleId, 'borrador', 1)).fields.every((f) => !f.changed)).toBe(true);

    await expect(inTransaction(rt.deps, (trx, ctx) => restoreVersion(trx, ctx, publisher, { articleId, versionNo: 2 }))).rejects.toBeInstanceOf(DraftConflictError);
    await expect(inTransaction(rt.deps, (trx, ctx) => restoreVersion(trx, ctx, publisher, { articleId, versionNo: 2, expectedRevision: 9 }))).rejects.toBeInstanceOf(DraftConflictError);
    expect(await inTransaction(rt.deps, (trx, ctx) => restoreVersion(trx, ctx, publisher, { articleId, versionNo: 2, expectedRevision: 3 }))).toEqual({ revision: 4 });
    const audit = await rt.deps.db.selectFrom('audit_events').select('detail').where('action', '=', 'help.version-restored').execute();
    expect(audit.map((a) => JSON.parse(a.detail!))).toEqual([
      { articleId, version: 1, revision: 3 },
      { articleId, version: 2, revision: 4 },
    ]);
  });

  it('an unknown version is a 404', async () => {
    await expect(readVersion(rt.deps.db, articleId, 7)).rejects.toMatchObject({ status: 404 });
    await expect(inTransaction(rt.deps, (trx, ctx) => restoreVersion(trx, ctx, publisher, { articleId, versionNo: 7 }))).rejects.toMatchObject({ status: 404 });
  });
});
