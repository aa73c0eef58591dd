import type { DiffPart, FieldDiff } from '../../../../help/authoring/diff-versions.ts';

/**
 * Insertions and deletions marked up as <ins>/<del>, each announced in words
 * ("añadido", "quitado") for screen readers and shown with a sign and a
 * border besides the colour, so the change is not told by colour alone.
 */
function Parts(p: { parts: DiffPart[] }) {
  return (
    <>
      {p.parts.map((x) =>
        x.kind === 'added' ? (
          <ins><span class="visually-hidden">[añadido: </span>{x.text}<span class="visually-hidden">]</span></ins>
        ) : x.kind === 'removed' ? (
          <del><span class="visually-hidden">[quitado: </span>{x.text}<span class="visually-hidden">]</span></del>
        ) : (
          <span>{x.text}</span>
        ),
      )}
    </>
  );
}

/** `headingLevel`: each field's heading, one below the section the diff sits in (2 right under the page's h1, 3 inside a panel with an h2). */
export function DiffView(p: { fields: FieldDiff[]; fromLabel: string; toLabel: string; headingLevel?: 2 | 3 }) {
  const changed = p.fields.filter((f) => f.changed);
  const Heading = p.headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div class="diff">
      <p class="diff-legend">
        De <strong>{p.fromLabel}</strong> a <strong>{p.toLabel}</strong>: <del>tachado con «−»</del> es lo que se quitó; <ins>subrayado con «+»</ins> es lo que se añadió.
      </p>
      {changed.length === 0 ? <p>No hay diferencias.</p> : null}
      {changed.map((f) => (
        <section class="diff-field" aria-labelledby={`dif-${f.field}`}>
          <Heading id={`dif-${f.field}`}>{f.label}</Heading>
          {f.field === 'body' ? (
            <pre class="diff-body"><Parts parts={f.parts} /></pre>
          ) : (
            <p class="diff-line"><Parts parts={f.parts} /></p>
          )}
        </section>
      ))}
      {p.fields.some((f) => !f.changed) ? <p class="muted">Sin cambios: {p.fields.filter((f) => !f.changed).map((f) => f.label.toLowerCase()).join(', ')}.</p> : null}
    </div>
  );
}
