import { Hono } from 'hono';
import { diffVersions } from '../../../../help/authoring/diff-versions.ts';
import { readArticleEditor } from '../../../../help/authoring/read-article-editor.ts';
import { parseSnapshotRef } from '../../../../help/authoring/read-version.ts';
import { notFound } from '../../../../errors.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import type { AppEnv } from '../../../env.ts';
import { requireStaff } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { DiffView } from './diff-view.tsx';
import { editorHref, HELP_HOME, systemHref } from './help-route-context.ts';

/** /diferencias?de=2&a=3 (a version number, "borrador" or "actual"): what changed, word by word. */
export const helpArticleDiffRoutes = new Hono<AppEnv>().get('/ayuda/articulos/:id/diferencias', requireStaff('help:read'), async (c) => {
  const { db } = c.get('deps');
  const a = await readArticleEditor(db, c.req.param('id'));
  const from = parseSnapshotRef(c.req.query('de'));
  const to = parseSnapshotRef(c.req.query('a'));
  if (from === null || to === null) throw notFound();
  const d = await diffVersions(db, a.id, from, to);
  const base = editorHref(a.id);
  return staffPage(
    c,
    { title: `Diferencias de ${a.content.title}`, current: 'ayuda' },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], [a.system.name, systemHref(a.system.slug)], [a.content.title, base], ['Historial', `${base}/historial`], ['Diferencias', null]]} />
      <h1>
        {d.from.label} → {d.to.label}
      </h1>
      <DiffView fields={d.fields} fromLabel={d.from.label} toLabel={d.to.label} headingLevel={2} />
      <p><a href={`${base}/historial`}>Volver al historial</a></p>
    </>,
  );
});
