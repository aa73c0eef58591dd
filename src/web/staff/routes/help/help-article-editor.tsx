import type { Context } from 'hono';
import { Hono } from 'hono';
import { DraftConflictError } from '../../../../help/authoring/draft-errors.ts';
import { readArticleEditor, type ArticleEditorView } from '../../../../help/authoring/read-article-editor.ts';
import { saveDraft } from '../../../../help/authoring/save-draft.ts';
import { submitDraft } from '../../../../help/authoring/submit-draft.ts';
import { ValidationError } from '../../../../errors.ts';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { formFields } from '../../../form-data.ts';
import { requireStaff } from '../../require-staff.ts';
import { editorValuesFrom, editorValuesOf, type EditorValues } from './article-editor-form.tsx';
import { renderEditor } from './article-editor-page.tsx';
import { editorHref, helpWrite } from './help-route-context.ts';

const revisionOf = (s: string | undefined) => (s && /^\d{1,9}$/.test(s) ? Number(s) : -1);

/**
 * Save the form over the revision it was opened at; on a conflict or a
 * mistake the page comes back with the person's text in the form.
 */
async function saveThen(c: Context<AppEnv>, then: (a: ArticleEditorView, revision: number) => Promise<void>, done: (revision: number) => string) {
  const { db } = c.get('deps');
  const a = await readArticleEditor(db, c.req.param('id') ?? '');
  const f = await formFields(c);
  const values: EditorValues = editorValuesOf(f);
  const expected = revisionOf(f.revision);
  try {
    const { revision } = await helpWrite(c, (trx, ctx, by) => saveDraft(trx, ctx, by, { articleId: a.id, expectedRevision: expected, ...values }));
    await then(a, revision);
    setFlash(c, done(revision), 'staff_flash');
    return c.redirect(editorHref(a.id), 303);
  } catch (err) {
    if (err instanceof DraftConflictError) {
      // Theirs is stored; the next save of this form names their revision, so it replaces theirs only when the person chooses to.
      return renderEditor(c, await readArticleEditor(db, a.id), { values, revision: err.saved?.revision ?? 0, conflict: { saved: err.saved }, message: err.message, status: 409 });
    }
    if (err instanceof ValidationError) return renderEditor(c, a, { values, revision: expected < 0 ? 0 : expected, errors: err.fieldErrors, status: 422 });
    throw err;
  }
}

export const helpArticleEditorRoutes = new Hono<AppEnv>()
  .get('/ayuda/articulos/:id', requireStaff('help:read'), async (c) => {
    const a = await readArticleEditor(c.get('deps').db, c.req.param('id'));
    return renderEditor(c, a, { values: editorValuesFrom(a.content), revision: a.draft?.revision ?? 0 });
  })
  .post('/ayuda/articulos/:id/guardar', requireStaff('help:write'), (c) =>
    saveThen(c, async () => {}, (r) => `Borrador guardado (revisión ${r}). Los clientes siguen viendo lo publicado hasta que se publique.`),
  )
  .post('/ayuda/articulos/:id/enviar', requireStaff('help:write'), (c) =>
    saveThen(
      c,
      // The save and the submit are two transactions: a failed submit still leaves the text saved, and says why.
      async (a, revision) => helpWrite(c, (trx, ctx, by) => submitDraft(trx, ctx, by, { articleId: a.id, expectedRevision: revision })),
      (r) => `Borrador guardado (revisión ${r}) y enviado a revisión: otra persona con permiso para publicar puede publicarlo.`,
    ),
  );
