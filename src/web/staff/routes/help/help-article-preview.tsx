import { Hono } from 'hono';
import { readArticleEditor } from '../../../../help/authoring/read-article-editor.ts';
import type { AppEnv } from '../../../env.ts';
import { formFields } from '../../../form-data.ts';
import { requireStaff } from '../../require-staff.ts';
import { editorValuesOf } from './article-editor-form.tsx';
import { renderEditor } from './article-editor-page.tsx';
import { DraftPreview } from './draft-preview.tsx';

/**
 * Vista previa: the posted form rendered as readers will see it, saving
 * nothing. Without JavaScript, the editor page again with the preview beside
 * the form (the text stays in the form, unsaved); with it, help-editor.js
 * asks for the fragment alone (?parcial=1) as the person types.
 */
export const helpArticlePreviewRoutes = new Hono<AppEnv>().post('/ayuda/articulos/:id/vista-previa', requireStaff('help:read'), async (c) => {
  const { db, clock } = c.get('deps');
  const a = await readArticleEditor(db, c.req.param('id'));
  const f = await formFields(c);
  const values = editorValuesOf(f);
  if (c.req.query('parcial') === '1') {
    c.header('Cache-Control', 'no-store');
    return c.html(<DraftPreview articleId={a.id} systemSlug={a.system.slug} v={values} categories={a.categories} now={clock.now()} />);
  }
  const revision = f.revision && /^\d{1,9}$/.test(f.revision) ? Number(f.revision) : (a.draft?.revision ?? 0);
  return renderEditor(c, a, { values, revision, preview: true });
});
