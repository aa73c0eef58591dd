import type { Context } from 'hono';
import { Hono } from 'hono';
import { discardDraft } from '../../../../help/authoring/discard-draft.ts';
import { DraftConflictError } from '../../../../help/authoring/draft-errors.ts';
import { publishDraft } from '../../../../help/authoring/publish-draft.ts';
import { readArticleEditor } from '../../../../help/authoring/read-article-editor.ts';
import { unpublishArticle } from '../../../../help/authoring/unpublish-article.ts';
import { ValidationError } from '../../../../errors.ts';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { formFields } from '../../../form-data.ts';
import { requireStaff } from '../../require-staff.ts';
import { editorValuesFrom } from './article-editor-form.tsx';
import { renderEditor } from './article-editor-page.tsx';
import { editorHref, helpWrite, systemHref } from './help-route-context.ts';

const revisionOf = (s: string | undefined) => (s && /^\d{1,9}$/.test(s) ? Number(s) : -1);

/** A refused publish, unpublish or discard: the editor as stored, with why; nothing changed. */
async function refused(c: Context<AppEnv>, err: unknown) {
  const a = await readArticleEditor(c.get('deps').db, c.req.param('id') ?? '');
  const base = { values: editorValuesFrom(a.content), revision: a.draft?.revision ?? 0 };
  if (err instanceof DraftConflictError) {
    const message = err.saved
      ? `Otra persona guardó cambios en el borrador (revisión ${err.saved.revision}) después de que usted abriera esta página: revise el borrador actual antes de publicarlo.`
      : err.message;
    return renderEditor(c, a, { ...base, message, status: 409 });
  }
  if (err instanceof ValidationError) return renderEditor(c, a, { ...base, errors: err.fieldErrors.form ? {} : err.fieldErrors, message: err.message, status: 422 });
  throw err;
}

export const helpArticlePublishingRoutes = new Hono<AppEnv>()
  .post('/ayuda/articulos/:id/publicar', requireStaff('help:publish'), async (c) => {
    const id = c.req.param('id');
    const f = await formFields(c);
    try {
      const { versionNo } = await helpWrite(c, (trx, ctx, by) => publishDraft(trx, ctx, by, { articleId: id, changeNote: f.changeNote ?? '', expectedRevision: revisionOf(f.revision) }));
      setFlash(c, `Versión ${versionNo} publicada: los clientes ya la ven.`, 'staff_flash');
      return c.redirect(editorHref(id), 303);
    } catch (err) {
      return refused(c, err);
    }
  })
  .post('/ayuda/articulos/:id/despublicar', requireStaff('help:publish'), async (c) => {
    const id = c.req.param('id');
    const f = await formFields(c);
    try {
      await helpWrite(c, (trx, ctx, by) => unpublishArticle(trx, ctx, by, { articleId: id, note: f.note || undefined }));
      setFlash(c, 'Artículo despublicado: los clientes ya no lo ven. Sus votos, lecturas y versiones se conservan.', 'staff_flash');
      return c.redirect(editorHref(id), 303);
    } catch (err) {
      return refused(c, err);
    }
  })
  .post('/ayuda/articulos/:id/descartar', requireStaff('help:write'), async (c) => {
    const a = await readArticleEditor(c.get('deps').db, c.req.param('id'));
    const f = await formFields(c);
    try {
      const { articleDeleted } = await helpWrite(c, (trx, ctx, by) => discardDraft(trx, ctx, by, { articleId: a.id, expectedRevision: revisionOf(f.revision) }));
      if (articleDeleted) {
        setFlash(c, 'Borrador descartado. El artículo nunca se publicó, así que ya no existe.', 'staff_flash');
        return c.redirect(systemHref(a.system.slug), 303);
      }
      setFlash(c, 'Borrador descartado. Lo publicado no cambió.', 'staff_flash');
      return c.redirect(editorHref(a.id), 303);
    } catch (err) {
      return refused(c, err);
    }
  });
