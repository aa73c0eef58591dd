import type { Child } from 'hono/jsx';
import { MAX_BODY_CHARS } from '../../../../help/authoring/article-fields.ts';
import type { EditorContent } from '../../../../help/authoring/read-article-editor.ts';
import { CsrfField, type FieldErrors } from '../../../components/form.tsx';
import type { LargeBodyRule } from '../../../request-body.ts';

/** The editor's forms carry the whole Markdown body (the live preview posts it as the person types). */
export const ARTICLE_EDITOR_FORM = /^\/proveedor\/ayuda\/articulos\/(nuevo|[^/]+\/(guardar|enviar|vista-previa))$/;
/** Up to MAX_BODY_CHARS with every character percent-encoded as UTF-8 (6 bytes at most per UTF-16 unit), and the other fields. */
export const ARTICLE_EDITOR_BODY_RULE: LargeBodyRule = { maxBytes: 1024 * 1024, multipart: false };

/** The form's values as typed (strings), kept as sent so nothing the person wrote is lost on an error. */
export interface EditorValues {
  categoryId: string;
  title: string;
  slug: string;
  summary: string;
  tags: string;
  position: string;
  body: string;
}

const cut = (v: string | undefined, n: number) => (v ?? '').slice(0, n);

export function editorValuesOf(f: Record<string, string>): EditorValues {
  return {
    categoryId: cut(f.categoryId, 64), title: cut(f.title, 400), slug: cut(f.slug, 200), summary: cut(f.summary, 600), tags: cut(f.tags, 600),
    position: cut(f.position, 20), body: cut(f.body, MAX_BODY_CHARS * 2),
  };
}

export function editorValuesFrom(c: EditorContent): EditorValues {
  return { ...c, position: String(c.position) };
}

function Described(p: { name: string; label: string; hint?: Child; error?: string; children: (describedBy: string | undefined) => Child }) {
  const describedBy = [p.hint ? `${p.name}-ayuda` : null, p.error ? `${p.name}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={p.name}>{p.label}</label>
      {p.hint ? <p class="hint" id={`${p.name}-ayuda`}>{p.hint}</p> : null}
      {p.error ? <p class="field-error" id={`${p.name}-error`}>{p.error}</p> : null}
      {p.children(describedBy)}
    </div>
  );
}

/**
 * The article's fields. `readOnly` (the lectura role) shows them in a
 * disabled fieldset: the same page, nothing that could change anything.
 */
export function ArticleFields(p: { v: EditorValues; errors: FieldErrors; categories: { id: string; name: string }[]; systemSlug: string; readOnly?: boolean; idPrefix?: string }) {
  const { v, errors } = p;
  const text = (name: keyof EditorValues, label: string, max: number, hint?: Child, required = false) => (
    <Described name={name} label={label} hint={hint} error={errors[name]}>
      {(d) => <input id={name} name={name} type="text" value={v[name]} maxlength={max} required={required} aria-invalid={errors[name] ? 'true' : undefined} aria-describedby={d} autocomplete="off" />}
    </Described>
  );
  return (
    <fieldset disabled={p.readOnly}>
      <legend>Contenido del artículo</legend>
      {text('title', 'Título', 200, undefined, true)}
      {text('slug', 'Dirección (slug)', 120, <>La dirección para los clientes: /ayuda/{p.systemSlug}/<em>slug</em>. Vacío: se toma del título. Si la cambia en un artículo ya publicado, los enlaces antiguos siguen llevando a él.</>)}
      <Described name="categoryId" label="Categoría" error={errors.categoryId} hint="Cambiar de categoría no cambia la dirección del artículo. No se ofrece mover un artículo a otro sistema: cree uno nuevo en ese sistema.">
        {(d) => (
          <select id="categoryId" name="categoryId" aria-describedby={d} aria-invalid={errors.categoryId ? 'true' : undefined}>
            {p.categories.map((c) => <option value={c.id} selected={c.id === v.categoryId}>{c.name}</option>)}
          </select>
        )}
      </Described>
      <Described name="position" label="Orden en la categoría" error={errors.position} hint="Un número entero; los menores van primero.">
        {(d) => <input id="position" name="position" type="text" inputmode="numeric" value={v.position} maxlength={11} aria-describedby={d} aria-invalid={errors.position ? 'true' : undefined} />}
      </Described>
      {text('summary', 'Resumen', 300, 'Una frase: se muestra bajo el título y en los resultados de búsqueda.')}
      {text('tags', 'Etiquetas', 300, 'Separadas por comas. Unen artículos relacionados y ayudan a encontrarlo.')}
      <Described name="body" label="Texto (Markdown)" error={errors.body} hint={<>## para un subtítulo, **negrita**, - para una lista, [texto](otro-articulo) para enlazar otro artículo, ![descripción](imagenes/archivo.png) para una imagen subida en Archivos.</>}>
        {(d) => (
          <textarea id="body" name="body" rows={22} maxlength={MAX_BODY_CHARS} class="editor-body" aria-describedby={d} aria-invalid={errors.body ? 'true' : undefined} spellcheck={true}>
            {v.body}
          </textarea>
        )}
      </Described>
    </fieldset>
  );
}

/** Hidden fields every form about the draft carries: the CSRF token and the revision the person saw. */
export function DraftHidden(p: { csrfToken: string; revision: number }) {
  return (
    <>
      <CsrfField token={p.csrfToken} />
      <input type="hidden" name="revision" value={String(p.revision)} />
    </>
  );
}
