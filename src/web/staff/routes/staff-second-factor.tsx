import { Hono, type Context } from 'hono';
import { giveSecondFactor } from '../../../staff/second-factor.ts';
import { CsrfField, ErrorSummary, type FieldErrors } from '../../components/form.tsx';
import { setAppCookie, setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { consoleReturnPath, volverQuery } from '../console-return-path.ts';
import { STAFF_ENROL, STAFF_SIGN_IN } from '../require-staff.ts';
import { CODE_MISSING, CODE_THROTTLED, CODE_WRONG, LeaveConsoleForm, SecondFactorField } from '../second-factor-form.tsx';
import { staffPage } from '../staff-page.tsx';

/**
 * /proveedor/verificar: the second factor after the password, or again
 * before a sensitive page (step-up) when the last one is too old. Reached
 * only with a session (a right password); a staff member not yet enrolled
 * goes to enrol instead.
 */
function SecondFactorForm(props: { csrf: string; confirming: boolean; errors: FieldErrors; message?: string; back: string | null }) {
  const title = props.confirming ? 'Confirme que es usted' : 'Verificación en dos pasos';
  return (
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">{title}</h1>
      <p>
        {props.confirming
          ? 'Esta acción es sensible: escriba un código nuevo de su aplicación de autenticación para continuar.'
          : 'Escriba el código que muestra su aplicación de autenticación para terminar de ingresar.'}
      </p>
      <ErrorSummary errors={props.errors} message={props.message} />
      <form method="post" action={`/proveedor/verificar${volverQuery(props.back)}`} novalidate>
        <CsrfField token={props.csrf} />
        <SecondFactorField error={props.errors.code} />
        <button type="submit" class="primary">
          {props.confirming ? 'Confirmar' : 'Verificar'}
        </button>
      </form>
      <p class="hint">¿Perdió su teléfono? Use uno de sus códigos de recuperación, o pida a un administrador que restablezca su segundo factor.</p>
      <LeaveConsoleForm csrf={props.csrf} />
    </section>
  );
}

/** Where a request without the right session goes instead, or null to show the page. */
function elsewhere(c: Context<AppEnv>, back: string | null): string | null {
  const session = c.get('staffSession');
  if (!session) return `${STAFF_SIGN_IN}${volverQuery(back)}`;
  if (!session.staff.mfaEnrolled) return STAFF_ENROL;
  return null;
}

export const staffSecondFactorRoutes = new Hono<AppEnv>()
  .get('/verificar', (c) => {
    const back = consoleReturnPath(c.req.query('volver'), c.get('deps').config.publicUrl);
    const redirect = elsewhere(c, back);
    if (redirect) return c.redirect(redirect, 303);
    const confirming = c.get('staffSession')!.secondFactorAt !== null;
    return staffPage(c, { title: confirming ? 'Confirme que es usted' : 'Verificación en dos pasos', bare: true }, <SecondFactorForm csrf={c.get('csrfToken')} confirming={confirming} errors={{}} back={back} />);
  })
  .post('/verificar', async (c) => {
    const deps = c.get('deps');
    const back = consoleReturnPath(c.req.query('volver'), deps.config.publicUrl);
    const redirect = elsewhere(c, back);
    if (redirect) return c.redirect(redirect, 303);
    const session = c.get('staffSession')!;
    const confirming = session.secondFactorAt !== null;
    const code = ((await formFields(c)).code ?? '').slice(0, 40);
    const again = (status: 422 | 429, errors: FieldErrors, message?: string) =>
      staffPage(c, { title: confirming ? 'Confirme que es usted' : 'Verificación en dos pasos', bare: true, status }, <SecondFactorForm csrf={c.get('csrfToken')} confirming={confirming} errors={errors} message={message} back={back} />);
    if (code.trim() === '') return again(422, { code: CODE_MISSING });
    const r = await giveSecondFactor(deps, session, code, c.get('ip'));
    // The end of a sign-in; a step-up inside a session is not one.
    if (!confirming) deps.metrics.signIns.staff(r.ok ? 'success' : r.reason === 'throttled' ? 'second-factor-throttled' : 'second-factor-failed');
    if (!r.ok) return r.reason === 'throttled' ? again(429, {}, CODE_THROTTLED) : again(422, { code: CODE_WRONG });
    if (r.token) setAppCookie(c, 'staff', r.token);
    if (r.via === 'recovery') {
      setFlash(
        c,
        r.remaining > 0
          ? `Usó un código de recuperación; le quedan ${r.remaining}. Cada código sirve una sola vez.`
          : 'Usó su último código de recuperación. Pida a un administrador que restablezca su segundo factor para tener códigos nuevos.',
        'staff_flash',
      );
    }
    return c.redirect(back ?? '/proveedor', 303);
  });
