import type { Context } from 'hono';
import type { SavedDraft } from '../../../../help/authoring/draft-errors.ts';
import { isDraftWriter } from '../../../../help/authoring/draft-writers.ts';
import type { ArticleEditorView } from '../../../../help/authoring/read-article-editor.ts';
import { staffCan } from '../../../../policies/staff-policy.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../../components/form.tsx';
import { formatDateTime } from '../../../components/format.ts';
import type { AppEnv } from '../../../env.ts';
import { staffPrincipalOf, staffSessionOf } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { ArticleFields, DraftHidden, type EditorValues } from './article-editor-form.tsx';
import { ConflictPanel } from './draft-conflict-panel.tsx';
import { DraftPreview } from './draft-preview.tsx';
import { editorHref, filesHref, HELP_HOME, systemHref } from './help-route-context.ts';

export interface EditorState {
  values: EditorValues;
  /** The revision the next save names: the draft's, or the conflicting one's when the person chose to keep their text. */
  revision: number;
  errors?: FieldErrors;
  message?: string;
  conflict?: { saved: SavedDraft | null };
  /** Show the preview of these values (no-JS Vista previa, or the stored text for a reader). */
  preview?: boolean;
  status?: 200 | 409 | 422;
}

function StatusPanel(p: { a: ArticleEditorView }) {
  const { a } = p;
  const d = a.draft;
  return (
    <dl class="card identity">
      <dt>Publicación</dt>
      <dd>
        {a.published ? (
          <>
            <span class="badge state-active">publicado</span> {a.versionNo > 0 ? `versión ${a.versionNo}, ` : ''}actualizado el {formatDateTime(a.updatedAt)} · en{' '}
            <code>/ayuda/{a.system.slug}/{a.publishedSlug}</code>
          </>
        ) : a.everPublished ? (
          <><span class="badge state-disabled">despublicado</span> los clientes no lo ven; sus votos, lecturas y versiones se conservan.</>
        ) : (
          <><span class="badge state-pending">nunca publicado</span> los clientes no lo ven hasta publicarlo.</>
        )}
      </dd>
      <dt>Borrador</dt>
      <dd>
        {!d ? (
          'Sin borrador: el formulario muestra lo publicado; al guardar se crea un borrador, y los clientes siguen viendo lo publicado hasta que alguien lo publique.'
        ) : (
          <>
            {d.state === 'review' ? <span class="badge warning">en revisión</span> : <span class="badge state-pending">borrador</span>}{' '}
            {d.state === 'review' && d.submittedAt ? `enviado a revisión el ${formatDateTime(d.submittedAt)}; ` : ''}
            autor: <bdi>{d.authorLabel}</bdi>; guardado por última vez el {formatDateTime(d.updatedAt)} por <bdi>{d.updatedByLabel}</bdi> (revisión {d.revision}).
            {d.baseVersion < a.versionNo ? <strong> Empezó desde la versión {d.baseVersion}; después se publicó la versión {a.versionNo}: revise el Historial antes de publicar.</strong> : null}
          </>
        )}
      </dd>
    </dl>
  );
}

export function renderEditor(c: Context<AppEnv>, a: ArticleEditorView, s: EditorState) {
  const role = staffSessionOf(c).staff.role;
  const write = staffCan(role, 'help:write');
  const publish = staffCan(role, 'help:publish');
  const csrf = c.get('csrfToken');
  const base = editorHref(a.id);
  const d = a.draft;
  const selfPublish = c.get('deps').config.helpSelfPublish;
  const mine = d ? isDraftWriter({ author_staff_id: d.authorStaffId, author_label: d.authorLabel }, d.writerStaffIds, staffPrincipalOf(c)) : false;
  return staffPage(
    c,
    { title: `Editar ${s.values.title || 'artículo'}`, current: 'ayuda', status: s.status ?? 200, scripts: write ? ['help-editor.js'] : [] },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], [a.system.name, systemHref(a.system.slug)], [s.values.title || 'Artículo', null]]} />
      <h1>{write ? 'Editar' : 'Ver'} «{s.values.title || 'artículo'}»</h1>
      <StatusPanel a={a} />
      <p class="actions">
        <a href={`${base}/historial`}>Historial de versiones</a>
        <a href={filesHref(a.id)}>Archivos</a>
        <a href={`${base}/programar`}>Programar publicación</a>
      </p>
      <ErrorSummary errors={s.errors ?? {}} message={s.message} />
      {s.conflict ? <ConflictPanel saved={s.conflict.saved} mine={s.values} categories={a.categories} editorHref={base} /> : null}
      <div class="editor-layout">
        <form method="post" action={`${base}/guardar`} novalidate class="card editor-form" data-live-preview={write ? `${base}/vista-previa?parcial=1` : undefined}>
          <DraftHidden csrfToken={csrf} revision={s.revision} />
          <ArticleFields v={s.values} errors={s.errors ?? {}} categories={a.categories} systemSlug={a.system.slug} readOnly={!write} />
          <div class="actions">
            {write ? <button type="submit" class="primary">Guardar</button> : null}
            <button type="submit" formaction={`${base}/vista-previa`} class="secondary" disabled={!write}>Vista previa</button>
            {write && d?.state !== 'review' ? <button type="submit" formaction={`${base}/enviar`} class="secondary">Guardar y enviar a revisión</button> : null}
          </div>
          {!write ? <p class="muted">Su perfil puede ver la ayuda pero no cambiarla.</p> : null}
        </form>
        <section class="editor-preview" id="vista-previa" aria-labelledby="vista-previa-titulo" tabindex={0}>
          <h2 id="vista-previa-titulo">Vista previa</h2>
          <p class="hint">Como lo verán los clientes. La vista previa no guarda nada.</p>
          <div id="vista-previa-contenido" aria-live="polite">
            {s.preview || !write ? <DraftPreview articleId={a.id} systemSlug={a.system.slug} v={s.values} categories={a.categories} now={c.get('deps').clock.now()} /> : <p class="muted">Pulse «Vista previa» para ver el texto sin guardarlo.</p>}
          </div>
        </section>
      </div>
      {publish && d ? (
        <section class="card" aria-labelledby="publicar-titulo">
          <h2 id="publicar-titulo">Publicar</h2>
          {mine && !selfPublish ? (
            <p>Usted escribió este borrador: debe publicarlo otra persona con permiso para publicar (revisión de cuatro ojos).</p>
          ) : (
            <form method="post" action={`${base}/publicar`} novalidate>
              <DraftHidden csrfToken={csrf} revision={d.revision} />
              <p>Publica el borrador tal como está guardado (revisión {d.revision}); lo que haya cambiado en el formulario sin guardar no se publica.</p>
              <Field name="changeNote" label="Nota del cambio" hint="Qué cambió, en una frase: la verán los clientes en Novedades." maxlength={200} required error={s.errors?.changeNote} />
              <button type="submit" class="primary">Publicar</button>
            </form>
          )}
        </section>
      ) : null}
      {publish && a.published ? (
        <section class="card" aria-labelledby="despublicar-titulo">
          <h2 id="despublicar-titulo">Despublicar</h2>
          <form method="post" action={`${base}/despublicar`} novalidate>
            <CsrfField token={csrf} />
            <p>Los clientes dejan de verlo (página, búsqueda y archivos). Sus votos, lecturas, versiones y direcciones antiguas se conservan; puede publicarlo otra vez cuando quiera.</p>
            <Field name="note" label="Motivo (opcional)" maxlength={200} error={s.errors?.note} />
            <button type="submit" class="secondary">Despublicar</button>
          </form>
        </section>
      ) : null}
      {write && d ? (
        <section class="card" aria-labelledby="descartar-titulo">
          <h2 id="descartar-titulo">Descartar el borrador</h2>
          <form method="post" action={`${base}/descartar`}>
            <DraftHidden csrfToken={csrf} revision={d.revision} />
            <p>{a.everPublished ? 'Borra el borrador y los archivos subidos para él; lo publicado no cambia.' : 'El artículo nunca se publicó: al descartar su borrador, el artículo deja de existir.'}</p>
            <button type="submit" class="danger">Descartar borrador</button>
          </form>
        </section>
      ) : null}
    </>,
  );
}
