import type { Child } from 'hono/jsx';

/**
 * One field of a GET filter form: the id is the field's error key (the error
 * summary links to it), the name is the query parameter, in Spanish.
 */
export function FilterInput(p: { id: string; name: string; label: string; value?: string; error?: string; type?: 'text' | 'date' | 'search'; maxlength?: number }) {
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={p.id}>{p.label}</label>
      {p.error ? (
        <p class="field-error" id={`${p.id}-error`}>
          {p.error}
        </p>
      ) : null}
      <input id={p.id} name={p.name} type={p.type ?? 'text'} value={p.value ?? ''} maxlength={p.maxlength} aria-invalid={p.error ? 'true' : undefined} aria-describedby={p.error ? `${p.id}-error` : undefined} />
    </div>
  );
}

export function FilterSelect(p: { id: string; name: string; label: string; value?: string; error?: string; options: ReadonlyArray<readonly [string, string]>; anyLabel?: string; children?: Child }) {
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={p.id}>{p.label}</label>
      {p.error ? (
        <p class="field-error" id={`${p.id}-error`}>
          {p.error}
        </p>
      ) : null}
      <select id={p.id} name={p.name} aria-invalid={p.error ? 'true' : undefined} aria-describedby={p.error ? `${p.id}-error` : undefined}>
        <option value="">{p.anyLabel ?? 'Todos'}</option>
        {p.options.map(([value, label]) => (
          <option value={value} selected={value === p.value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}
