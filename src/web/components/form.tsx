import type { Child } from 'hono/jsx';

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export type FieldErrors = Record<string, string>;

/** The summary at the top of a form that failed, linked to each field (WCAG 3.3.1). */
export function ErrorSummary(props: { errors: FieldErrors; message?: string; labels?: Record<string, string> }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0 && !props.message) return null;
  return (
    <div class="notice error" role="alert" tabindex={-1} id="errores">
      <p>
        <strong>{props.message ?? 'No se pudo guardar. Revise lo siguiente:'}</strong>
      </p>
      {entries.length > 0 ? (
        <ul>
          {entries.map(([field, msg]) => (
            <li>
              <a href={`#${field}`}>{msg}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'date';
  value?: string;
  error?: string;
  hint?: Child;
  autocomplete?: string;
  required?: boolean;
  inputmode?: 'text' | 'email' | 'numeric';
  autofocus?: boolean;
  maxlength?: number;
}

export function Field(p: FieldProps) {
  const describedBy = [p.hint ? `${p.name}-ayuda` : null, p.error ? `${p.name}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={p.name}>{p.label}</label>
      {p.hint ? (
        <p class="hint" id={`${p.name}-ayuda`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="field-error" id={`${p.name}-error`}>
          {p.error}
        </p>
      ) : null}
      <input
        id={p.name}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.type === 'password' ? undefined : p.value}
        autocomplete={p.autocomplete}
        required={p.required}
        inputmode={p.inputmode}
        autofocus={p.autofocus}
        maxlength={p.maxlength}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
    </div>
  );
}
