import type { Context } from 'hono';
import { Hono } from 'hono';
import { API_SCOPE_LABEL, API_SCOPES } from '../../../api/api-scopes.ts';
import { createApiToken, MAX_TOKEN_DAYS, type CreatedApiToken } from '../../../api/tokens/create-api-token.ts';
import { ValidationError } from '../../../errors.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { formatDateTime } from '../../components/format.ts';
import type { AppEnv } from '../../env.ts';
import { formFields, formValues } from '../../form-data.ts';
import { requireStaff, staffPrincipalOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';
import { API_TOKENS_PATH } from './api-tokens.tsx';

/** What a new token lasts unless the form says otherwise: a quarter, so rotating is a habit and a forgotten token dies. */
export const DEFAULT_TOKEN_DAYS = 90;

const LABELS = { name: 'Nombre', scopes: 'Permisos', expiresInDays: 'Vigencia (días)' };

interface FormState {
  errors?: FieldErrors;
  name?: string;
  scopes?: ReadonlySet<string>;
  days?: string;
}

function NewTokenForm(props: { c: Context<AppEnv>; state: FormState }) {
  const { errors = {}, name = '', scopes = new Set<string>(), days = String(DEFAULT_TOKEN_DAYS) } = props.state;
  return (
    <section class="card" aria-labelledby="titulo">
      <h1 id="titulo">Nuevo token de la API</h1>
      <p>El token se mostrará una sola vez, en la página siguiente. Déle sólo los permisos que el sistema necesita.</p>
      <ErrorSummary errors={errors} labels={LABELS} message="No se creó el token. Revise lo siguiente:" />
      <form method="post" action={`${API_TOKENS_PATH}/nuevo`} novalidate>
        <CsrfField token={props.c.get('csrfToken')} />
        <Field name="name" label="Nombre" required maxlength={100} autocomplete="off" value={name} error={errors.name} hint="El sistema que lo usará, por ejemplo «Facturación» o «CRM comercial»." />
        <fieldset class={errors.scopes ? 'field has-error' : 'field'} id="scopes" aria-describedby={errors.scopes ? 'scopes-error' : undefined}>
          <legend>Permisos</legend>
          {errors.scopes ? (
            <p class="field-error" id="scopes-error">
              {errors.scopes}
            </p>
          ) : null}
          <ul class="scope-list">
            {API_SCOPES.map((s) => (
              <li>
                <input type="checkbox" id={`scope-${s.replace(':', '-')}`} name="scopes" value={s} checked={scopes.has(s)} />{' '}
                <label for={`scope-${s.replace(':', '-')}`}>
                  <code>{s}</code> · {API_SCOPE_LABEL[s]}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <Field
          name="expiresInDays"
          label="Vigencia (días)"
          inputmode="numeric"
          required
          maxlength={3}
          autocomplete="off"
          value={days}
          error={errors.expiresInDays}
          hint={`Entre 1 y ${MAX_TOKEN_DAYS} días. Al vencer, las llamadas con él se rechazan; cree uno nuevo antes y revoque el anterior.`}
        />
        <div class="actions">
          <button type="submit" class="primary">
            Crear token
          </button>{' '}
          <a href={API_TOKENS_PATH}>Cancelar</a>
        </div>
      </form>
    </section>
  );
}

/**
 * The answer to a creation: the token, this once. Never in a redirect (a
 * URL ends up in history, logs and Referer headers), never in the flash
 * cookie; the page itself is not stored by the browser or a proxy.
 */
function CreatedPage(props: { t: CreatedApiToken; publicUrl: string }) {
  const { t } = props;
  const base = props.publicUrl.replace(/\/+$/, '');
  return (
    <section class="card" aria-labelledby="titulo">
      <h1 id="titulo">Token «{t.name}» creado</h1>
      <p class="notice" role="status">
        <strong>Cópielo ahora: no se volverá a mostrar.</strong> El portal guarda sólo una huella del token; si lo pierde, revóquelo y cree otro.
      </p>
      <label for="token">Token</label>
      <p class="hint" id="token-ayuda">
        Seleccione el texto (un clic dentro del cuadro y Ctrl+A, o Cmd+A en Mac) y cópielo con Ctrl+C o Cmd+C, directo al gestor de secretos del sistema que lo usará.
      </p>
      <textarea id="token" class="secret" readonly rows={2} aria-describedby="token-ayuda" spellcheck={false} autocomplete="off">
        {t.token}
      </textarea>
      <dl>
        <dt>Prefijo (para reconocerlo en la lista y en la auditoría)</dt>
        <dd>
          <code>{t.prefix}</code>
        </dd>
        <dt>Permisos</dt>
        <dd>{t.scopes.join(', ')}</dd>
        <dt>Vence</dt>
        <dd>{formatDateTime(t.expiresAt)}</dd>
      </dl>
      <h2>Probarlo</h2>
      <p>Desde la terminal del sistema que lo usará:</p>
      <pre class="mail-body">
        <code>{`curl -H "Authorization: Bearer ${t.token}" ${base}/api/v1/systems`}</code>
      </pre>
      <p class="after-form">
        <a href={API_TOKENS_PATH}>Ya lo copié: volver a los tokens</a>
      </p>
    </section>
  );
}

function form(c: Context<AppEnv>, state: FormState, status: 200 | 422 = 200) {
  return staffPage(c, { title: 'Nuevo token de la API', current: 'api', status }, <NewTokenForm c={c} state={state} />);
}

/** Nuevo token (api:manage, a step-up action): the form, then the token shown once. */
export const apiTokenNewRoutes = new Hono<AppEnv>()
  .get('/api/nuevo', requireStaff('api:manage'), (c) => form(c, {}))
  .post('/api/nuevo', requireStaff('api:manage'), async (c) => {
    const fields = await formFields(c);
    const scopes = formValues(c, 'scopes');
    const name = fields.name ?? '';
    const days = fields.expiresInDays ?? '';
    let created: CreatedApiToken;
    try {
      // The operation's schema decides; an empty days field is "not given" (its own message), not zero.
      created = await createApiToken(c.get('deps'), staffPrincipalOf(c), { name, scopes: scopes as never, expiresInDays: days.trim() === '' ? (undefined as never) : days });
    } catch (err) {
      if (err instanceof ValidationError) return form(c, { errors: err.fieldErrors, name, scopes: new Set(scopes), days }, 422);
      throw err;
    }
    c.header('Cache-Control', 'no-store');
    return staffPage(c, { title: 'Token creado', current: 'api' }, <CreatedPage t={created} publicUrl={c.get('deps').config.publicUrl} />);
  });
