import { diffSnapshots } from '../../../../help/authoring/diff-versions.ts';
import type { SavedDraft } from '../../../../help/authoring/draft-errors.ts';
import { formatDateTime } from '../../../components/format.ts';
import type { EditorValues } from './article-editor-form.tsx';
import { DiffView } from './diff-view.tsx';

/**
 * Someone saved the draft while this person edited: what they saved, and
 * how the unsaved text (still in the form below, nothing lost) differs. The
 * person keeps one: save the form (theirs replaces the saved one) or open
 * the saved draft again (theirs is dropped).
 */
export function ConflictPanel(p: { saved: SavedDraft | null; mine: EditorValues; categories: { id: string; name: string }[]; editorHref: string }) {
  const { saved } = p;
  if (!saved) {
    return (
      <section class="card conflict" aria-labelledby="conflicto-titulo">
        <h2 id="conflicto-titulo">El borrador ya no existe</h2>
        <p>Otra persona lo publicó o lo descartó mientras usted editaba. Su texto sigue en el formulario, sin guardar: «Guardar» crea un borrador nuevo con él.</p>
      </section>
    );
  }
  const names = new Map(p.categories.map((c) => [c.id, c.name]));
  const snapshot = (label: string, v: { title: string; slug: string; summary: string; tags: string; categoryId: string; position: number | string; body: string }) => ({
    label, title: v.title, slug: v.slug, summary: v.summary, tags: v.tags, categoryId: v.categoryId, position: Number(v.position) || 0, body: v.body,
  });
  const diff = diffSnapshots(snapshot('lo guardado', saved), snapshot('su texto', p.mine), names);
  return (
    <section class="card conflict" aria-labelledby="conflicto-titulo">
      <h2 id="conflicto-titulo">Dos versiones del borrador: elija cuál conservar</h2>
      <p>
        <bdi>{saved.updatedByLabel}</bdi> guardó el borrador el {formatDateTime(saved.updatedAt)} (revisión {saved.revision}). Su texto no se guardó y sigue en el formulario de abajo.
      </p>
      <ul>
        <li><strong>Conservar su texto:</strong> revíselo y pulse «Guardar»; reemplazará lo que guardó <bdi>{saved.updatedByLabel}</bdi>.</li>
        <li>
          <strong>Conservar lo guardado:</strong> <a href={p.editorHref}>abrir el borrador guardado</a> (su texto sin guardar se pierde; cópielo antes si quiere algo de él).
        </li>
      </ul>
      <details open>
        <summary>Qué cambia entre lo guardado y su texto</summary>
        <DiffView fields={diff.fields} fromLabel="lo guardado" toLabel="su texto" />
      </details>
      <div class="field">
        <label for="guardado-texto">Texto guardado por <bdi>{saved.updatedByLabel}</bdi> (sólo lectura, para copiar)</label>
        <textarea id="guardado-texto" rows={10} readonly class="editor-body">{saved.body}</textarea>
      </div>
    </section>
  );
}
