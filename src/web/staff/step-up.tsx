import type { Context, Next } from 'hono';
import { giveSecondFactor } from '../../staff/second-factor.ts';
import { secondFactorIsFresh } from '../../staff/staff-session.ts';
import { CsrfField, ErrorSummary, type FieldErrors } from '../components/form.tsx';
import type { AppEnv } from '../env.ts';
import { CODE_MISSING, CODE_THROTTLED, CODE_WRONG, LeaveConsoleForm, SecondFactorField } from './second-factor-form.tsx';
import { staffPage } from './staff-page.tsx';

/** The step-up code's field: a name no console form uses, removed before the original handler reads the form. */
export const STEP_UP_FIELD = '_codigo_paso';
const TITLE = 'Confirme que es usted';

/**
 * A sensitive action with a second factor older than STAFF_STEP_UP_MINUTES.
 *
 * A page (GET) goes to /proveedor/verificar and comes back to itself, query
 * string included. A form (POST) is answered with a page that carries every
 * field it sent as hidden inputs, plus a code field, posting back to the
 * same address: a right code marks the second factor and the original
 * handler runs with the original fields, in that same request; a wrong one
 * shows the page again and runs nothing.
 */
export async function requireFreshSecondFactor(c: Context<AppEnv>, next: Next) {
  const session = c.get('staffSession')!;
  const deps = c.get('deps');
  const now = deps.clock.now();
  if (secondFactorIsFresh(session, now, deps.config.staffStepUpMs)) return next();
  const url = new URL(c.req.url);
  const here = url.pathname + url.search;
  if (c.req.method !== 'POST') return c.redirect(`/proveedor/verificar?volver=${encodeURIComponent(here)}&motivo=confirmar`, 303);

  const form = c.get('form');
  const code = form.get(STEP_UP_FIELD);
  if (code === null) return stepUpPage(c, here, form, {}, undefined, 200);
  if (code.trim() === '') return stepUpPage(c, here, form, { [STEP_UP_FIELD]: CODE_MISSING }, undefined, 422);
  const r = await giveSecondFactor(deps, session, code.slice(0, 40), c.get('ip'));
  if (!r.ok) return r.reason === 'throttled' ? stepUpPage(c, here, form, {}, CODE_THROTTLED, 429) : stepUpPage(c, here, form, { [STEP_UP_FIELD]: CODE_WRONG }, undefined, 422);
  form.delete(STEP_UP_FIELD);
  c.set('staffSession', { ...session, secondFactorAt: now.toISOString() });
  return next();
}

function stepUpPage(c: Context<AppEnv>, action: string, form: URLSearchParams, errors: FieldErrors, message: string | undefined, status: 200 | 422 | 429) {
  const carried = [...form].filter(([name]) => name !== '_csrf' && name !== STEP_UP_FIELD);
  return staffPage(
    c,
    { title: TITLE, bare: true, status },
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">{TITLE}</h1>
      <p>Esta acción es sensible y su último código tiene más de {Math.round(c.get('deps').config.staffStepUpMs / 60_000)} minutos. Escriba un código nuevo de su aplicación de autenticación: la acción se completará al confirmar.</p>
      <ErrorSummary errors={errors} message={message} />
      <form method="post" action={action} novalidate>
        <CsrfField token={c.get('csrfToken')} />
        {carried.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <SecondFactorField name={STEP_UP_FIELD} error={errors[STEP_UP_FIELD]} />
        <button type="submit" class="primary">
          Confirmar y continuar
        </button>
      </form>
      <p class="after-form">
        <a href="/proveedor">Cancelar y volver al inicio</a>
      </p>
      <LeaveConsoleForm csrf={c.get('csrfToken')} />
    </section>,
  );
}
