import type { Child } from 'hono/jsx';
import { ErrorSummary, type FieldErrors } from './form.tsx';

/**
 * A GET filter form: the error summary only when a filter is wrong (with a
 * message given, ErrorSummary always shows), the fields, "Filtrar" and a link
 * back to the unfiltered page.
 */
export function FilterForm(p: { action: string; errors: FieldErrors; class?: string; children: Child }) {
  return (
    <>
      {Object.keys(p.errors).length > 0 ? <ErrorSummary errors={p.errors} message="Revise los filtros marcados:" /> : null}
      <form method="get" action={p.action} class={p.class ?? 'filters card'} aria-label="Filtros">
        {p.children}
        <div class="actions">
          <button type="submit" class="primary">
            Filtrar
          </button>
          <a href={p.action}>Quitar filtros</a>
        </div>
      </form>
    </>
  );
}

/** The label and the error of one filter around its control; the id is the field's error key, which the summary links to. */
function FilterField(p: { id: string; label: string; error?: string; children: Child }) {
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={p.id}>{p.label}</label>
      {p.error ? (
        <p class="field-error" id={`${p.id}-error`}>
          {p.error}
        </p>
      ) : null}
      {p.children}
    </div>
  );
}

/** What marks a control whose filter is wrong, tied to its message. */
const invalid = (p: { id: string; error?: string }) => ({ 'aria-invalid': p.error ? 'true' : undefined, 'aria-describedby': p.error ? `${p.id}-error` : undefined });

/** One field of a GET filter form: the name is the query parameter, in Spanish. */
export function FilterInput(p: { id: string; name: string; label: string; value?: string; error?: string; type?: 'text' | 'date' | 'search'; maxlength?: number }) {
  return (
    <FilterField id={p.id} label={p.label} error={p.error}>
      <input id={p.id} name={p.name} type={p.type ?? 'text'} value={p.value ?? ''} maxlength={p.maxlength} {...invalid(p)} />
    </FilterField>
  );
}

export function FilterSelect(p: { id: string; name: string; label: string; value?: string; error?: string; options: ReadonlyArray<readonly [string, string]>; anyLabel?: string; children?: Child }) {
  return (
    <FilterField id={p.id} label={p.label} error={p.error}>
      <select id={p.id} name={p.name} {...invalid(p)}>
        <option value="">{p.anyLabel ?? 'Todos'}</option>
        {p.options.map(([value, label]) => (
          <option value={value} selected={value === p.value}>
            {label}
          </option>
        ))}
      </select>
    </FilterField>
  );
}
