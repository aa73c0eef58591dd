import { Hono } from 'hono';
import { DraftConflictError } from '../../../../help/authoring/draft-errors.ts';
import { listVersions } from '../../../../help/authoring/list-versions.ts';
import { readArticleEditor } from '../../../../help/authoring/read-article-editor.ts';
import { restoreVersion } from '../../../../help/authoring/restore-version.ts';
import { staffCan } from '../../../../policies/staff-policy.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { CsrfField } from '../../../components/form.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { formFields } from '../../../form-data.ts';
import { requireStaff, staffSessionOf } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { DraftHidden } from './article-editor-form.tsx';
import { editorHref, HELP_HOME, helpWrite, systemHref } from './help-route-context.ts';

const SOURCE_LABEL = { console: 'Consola', schedule: 'Programada', import: 'Importación', initial: 'Carga inicial', restore: 'Restauración' } as const;

/** Every published version: who, when, why; compare any two (or one with the draft); restore one into the draft. */
export const helpArticleHistoryRoutes = new Hono<AppEnv>()
  .get('/ayuda/articulos/:id/historial', requireStaff('help:read'), async (c) => {
    const { db } = c.get('deps');
    const a = await readArticleEditor(db, c.req.param('id'));
    const versions = await listVersions(db, a.id);
    const restore = staffCan(staffSessionOf(c).staff.role, 'help:publish');
    const base = editorHref(a.id);
    const refs = [...(a.draft ? [{ value: 'borrador', label: 'Borrador' }] : []), ...(a.published || a.everPublished ? [{ value: 'actual', label: 'Publicado ahora' }] : []), ...versions.map((v) => ({ value: String(v.versionNo), label: `Versión ${v.versionNo}` }))];
    const select = (name: string, label: string, selected: string | undefined) => (
      <div class="field">
        <label for={name}>{label}</label>
        <select id={name} name={name}>
          {refs.map((r) => <option value={r.value} selected={r.value === selected}>{r.label}</option>)}
        </select>
      </div>
    );
    return staffPage(
      c,
      { title: `Historial de ${a.content.title}`, current: 'ayuda' },
      <>
        <Breadcrumbs items={[['Ayuda', HELP_HOME], [a.system.name, systemHref(a.system.slug)], [a.content.title, base], ['Historial', null]]} />
        <h1>Historial de «{a.content.title}»</h1>
        {versions.length === 0 ? (
          <p>Este artículo no tiene versiones publicadas desde la consola{a.everPublished ? ' (lo publicado vino de una importación)' : ''}.</p>
        ) : (
          <div class="table-scroll">
            <table class="data stack">
              <caption>Versiones publicadas, de la más reciente a la más antigua</caption>
              <thead><tr><th scope="col">Versión</th><th scope="col">Publicada</th><th scope="col">Por</th><th scope="col">Autor</th><th scope="col">Nota</th><th scope="col">Origen</th><th scope="col">Acciones</th></tr></thead>
              <tbody>
                {versions.map((v, i) => (
                  <tr>
                    <th scope="row">{v.versionNo}{i === 0 && a.published ? <span class="badge state-active">publicada</span> : null}</th>
                    <td data-label="Publicada">{formatDateTime(v.publishedAt)}</td>
                    <td data-label="Por"><bdi>{v.publishedByLabel}</bdi></td>
                    <td data-label="Autor"><bdi>{v.authorLabel}</bdi></td>
                    <td data-label="Nota">{v.changeNote}</td>
                    <td data-label="Origen">{SOURCE_LABEL[v.source]}</td>
                    <td data-label="Acciones">
                      <div class="row-actions">
                        {versions[i + 1] ? <a href={`${base}/diferencias?de=${versions[i + 1]!.versionNo}&a=${v.versionNo}`}>Cambios respecto de la {versions[i + 1]!.versionNo}</a> : null}
                        {restore ? (
                          <form method="post" action={`${base}/restaurar`}>
                            <DraftHidden csrfToken={c.get('csrfToken')} revision={a.draft?.revision ?? 0} />
                            <input type="hidden" name="version" value={String(v.versionNo)} />
                            <button type="submit" class="secondary">Restaurar en el borrador<span class="visually-hidden"> la versión {v.versionNo}</span></button>
                          </form>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {restore && versions.length > 0 ? <p class="hint">Restaurar copia esa versión en el borrador{a.draft ? ', reemplazando el borrador actual' : ''}; no publica nada por sí solo.</p> : null}
        {refs.length >= 2 ? (
          <form method="get" action={`${base}/diferencias`} class="card">
            <h2>Comparar</h2>
            {select('de', 'Desde', refs[1]?.value)}
            {select('a', 'Hasta', refs[0]?.value)}
            <button type="submit">Ver diferencias</button>
          </form>
        ) : null}
      </>,
    );
  })
  .post('/ayuda/articulos/:id/restaurar', requireStaff('help:publish'), async (c) => {
    const a = await readArticleEditor(c.get('deps').db, c.req.param('id'));
    const f = await formFields(c);
    const expected = f.revision && /^\d{1,9}$/.test(f.revision) ? Number(f.revision) : 0;
    try {
      const { revision } = await helpWrite(c, (trx, ctx, by) => restoreVersion(trx, ctx, by, { articleId: a.id, versionNo: f.version, expectedRevision: expected || undefined }));
      setFlash(c, `Versión ${f.version} copiada en el borrador (revisión ${revision}). Revísela y publíquela cuando corresponda: aún no está publicada.`, 'staff_flash');
    } catch (err) {
      if (!(err instanceof DraftConflictError)) throw err;
      setFlash(c, 'Otra persona cambió el borrador mientras usted miraba el historial; no se restauró nada. Revise el borrador y vuelva a intentarlo.', 'staff_flash');
    }
    return c.redirect(editorHref(a.id), 303);
  });
