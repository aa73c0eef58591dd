import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../../../tests/factories.ts';
import { asPrincipal, inTransaction } from '../../../../tests/help-authoring-fixtures.ts';
import { between, hrefs, signedIn } from '../../../../tests/help-fixtures.ts';
import { clearVersions } from '../../../../tests/help-version-fixtures.ts';
import { createTestStaff } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';
import type { StaffPrincipal } from '../../../auth/principal.ts';
import { createArticle } from '../../../help/authoring/create-article.ts';
import { publishDraft } from '../../../help/authoring/publish-draft.ts';
import { saveDraft } from '../../../help/authoring/save-draft.ts';
import { startDraft } from '../../../help/authoring/start-draft.ts';

// The same pages fed by the console's own writer (publishDraft), not by a
// fixture: a publish shows with its note; a draft, saved or sent for review,
// shows nowhere.

let rt: TestRuntime;
let customer: TestCustomer;
let author: StaffPrincipal;
let publisher: StaffPrincipal;
let systemId: string;
let categoryId: string;

beforeAll(async () => {
  rt = await createTestRuntime();
  await clearVersions(rt);
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  systemId = (await rt.deps.db.selectFrom('systems').select('id').where('slug', '=', 'contabilidad').executeTakeFirstOrThrow()).id;
  categoryId = (await rt.deps.db.selectFrom('help_categories').select('id').where('system_id', '=', systemId).orderBy('position').executeTakeFirstOrThrow()).id;
  author = asPrincipal(await createTestStaff(rt.deps, 'editor', { name: 'Elena Editora' }));
  publisher = asPrincipal(await createTestStaff(rt.deps, 'editor', { name: 'Pablo Publica' }));
});
afterAll(() => rt.close());

describe('news from the console’s publishes', () => {
  it('shows a new article as Nuevo and its next publish as Actualizado with the note; drafts never show', async () => {
    const { articleId } = await inTransaction(rt.deps, (trx, ctx) =>
      createArticle(trx, ctx, author, { systemId, categoryId, title: 'Arqueo de caja', slug: 'arqueo-de-caja', summary: 'Contar la caja.', tags: 'caja', position: 9, body: 'Texto.' }),
    );
    const client = await signedIn(rt, customer);
    const news = async () => between(await (await client.get('/ayuda/contabilidad/novedades')).text(), '<h1>', '</main>');
    expect(await news()).not.toContain('arqueo-de-caja');

    await inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, publisher, { articleId, changeNote: 'Guía nueva de arqueo.' }));
    const first = await news();
    expect(hrefs(first)).toContain('/ayuda/contabilidad/arqueo-de-caja');
    expect(first).toMatch(/badge-new">Nuevo<\/span> <a href="\/ayuda\/contabilidad\/arqueo-de-caja">Arqueo de caja<\/a>/);
    expect(first).toContain('Guía nueva de arqueo.');

    // A draft of the next version, saved with a new title: readers see neither it nor a hint of it.
    rt.clock.advance(60_000);
    const draft = await inTransaction(rt.deps, (trx, ctx) => startDraft(trx, ctx, author, { articleId }));
    await inTransaction(rt.deps, (trx, ctx) =>
      saveDraft(trx, ctx, author, { articleId, expectedRevision: draft.revision, categoryId, title: 'Arqueo de caja (borrador secreto)', slug: '', summary: 'x', tags: 'caja', position: 9, body: 'Borrador.' }),
    );
    expect(await news()).not.toContain('borrador secreto');
    expect(await (await client.get('/ayuda')).text()).not.toContain('borrador secreto');

    const saved = await rt.deps.db.selectFrom('help_article_drafts').select('revision').where('article_id', '=', articleId).executeTakeFirstOrThrow();
    await inTransaction(rt.deps, (trx, ctx) =>
      saveDraft(trx, ctx, author, { articleId, expectedRevision: saved.revision, categoryId, title: 'Arqueo de caja diario', slug: '', summary: 'x', tags: 'caja', position: 9, body: 'Texto nuevo.' }),
    );
    await inTransaction(rt.deps, (trx, ctx) => publishDraft(trx, ctx, publisher, { articleId, changeNote: 'Ahora cada día.' }));
    const second = await news();
    // The new title gave the article a new slug: the news links to where the article is now.
    expect(second).toMatch(/badge-updated">Actualizado<\/span> <a href="\/ayuda\/contabilidad\/arqueo-de-caja-diario">Arqueo de caja diario<\/a>/);
    expect((await client.get('/ayuda/contabilidad/arqueo-de-caja-diario')).status).toBe(200);
    expect(second).toContain('Ahora cada día.');
    expect(second).not.toContain('Guía nueva de arqueo.');
    expect(second).not.toContain('borrador secreto');
  });
});
