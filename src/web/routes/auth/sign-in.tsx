import { Hono } from 'hono';
import { DEVICE_COOKIE_MAX_AGE_S } from '../../../auth/known-device.ts';
import { deleteSession } from '../../../auth/session.ts';
import { signIn } from '../../../auth/sign-in.ts';
import { homeFor } from '../../../policies/policy.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { readAccountFields } from '../../account-fields.ts';
import { readAppCookie, setAppCookie } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields, safeReturnPath } from '../../form-data.ts';
import { page } from '../../render.tsx';

export const SIGN_IN_FAILED = 'No pudimos ingresar con esos datos. Revise el RUT, el correo y la clave, o use «¿Olvidó su contraseña?».';
export const TEMPORARY_EXPIRED = 'Su clave temporal venció. Pida a su administrador que le envíe nuevas credenciales.';

function SignInForm(props: { csrf: string; values: { rut?: string; email?: string }; errors: FieldErrors; message?: string; back?: string | null }) {
  return (
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">Ingresar</h1>
      <p>Ingrese con el RUT de su empresa, su correo y su clave.</p>
      <ErrorSummary errors={props.errors} message={props.message} />
      <form method="post" action={props.back ? `/ingresar?volver=${encodeURIComponent(props.back)}` : '/ingresar'} novalidate>
        <CsrfField token={props.csrf} />
        <Field name="rut" label="RUT de la empresa" value={props.values.rut} error={props.errors.rut} hint="Por ejemplo 12.345.678-5" autocomplete="organization" required autofocus maxlength={20} />
        <Field name="email" label="Correo" type="email" value={props.values.email} error={props.errors.email} autocomplete="username" inputmode="email" required maxlength={254} />
        <Field name="password" label="Clave" type="password" error={props.errors.password} autocomplete="current-password" required maxlength={1024} />
        <button type="submit" class="primary">
          Ingresar
        </button>
      </form>
      <p class="after-form">
        <a href="/recuperar">¿Olvidó su contraseña?</a>
      </p>
    </section>
  );
}

export const signInRoutes = new Hono<AppEnv>()
  .get('/ingresar', (c) => {
    const session = c.get('session');
    if (session) return c.redirect(homeFor(session.user.role), 303);
    return page(c, { title: 'Ingresar', bare: true }, <SignInForm csrf={c.get('csrfToken')} values={{}} errors={{}} back={safeReturnPath(c.req.query('volver'), c.get('deps').config.publicUrl)} />);
  })
  .post('/ingresar', async (c) => {
    const f = await formFields(c);
    const back = safeReturnPath(c.req.query('volver'), c.get('deps').config.publicUrl);
    const account = readAccountFields(f);
    const values = account.values;
    const password = f.password ?? '';
    if (!account.ok || !password) {
      const errors: FieldErrors = account.ok ? {} : { ...account.errors };
      if (!password) errors.password = 'Ingrese su clave.';
      return page(c, { title: 'Ingresar', bare: true, status: 422 }, <SignInForm csrf={c.get('csrfToken')} values={values} errors={errors} back={back} />);
    }
    const result = await signIn(c.get('deps'), {
      rut: account.rut,
      email: account.email,
      password: password.slice(0, 1024),
      ip: c.get('ip'),
      userAgent: c.req.header('user-agent') ?? null,
      deviceToken: readAppCookie(c, 'device') ?? null,
    });
    c.get('deps').metrics.signIns.customer(result.ok ? 'success' : result.outcome);
    if (!result.ok) {
      const message = result.reason === 'temporary-expired' ? TEMPORARY_EXPIRED : SIGN_IN_FAILED;
      return page(c, { title: 'Ingresar', bare: true, status: 401 }, <SignInForm csrf={c.get('csrfToken')} values={values} errors={{}} message={message} back={back} />);
    }
    // A new token at every sign-in; whatever session this browser had ends.
    const previous = c.get('session');
    if (previous) await deleteSession(c.get('deps').db, previous.id);
    setAppCookie(c, 'sid', result.token);
    setAppCookie(c, 'device', result.deviceToken, DEVICE_COOKIE_MAX_AGE_S);
    if (result.mustChangePassword) return c.redirect('/nueva-clave', 303);
    return c.redirect(back ?? homeFor(result.role), 303);
  });
