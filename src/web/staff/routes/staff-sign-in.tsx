import { Hono } from 'hono';
import { DEVICE_COOKIE_MAX_AGE_S } from '../../../auth/known-device.ts';
import { staffSignIn } from '../../../staff/staff-sign-in.ts';
import { deleteStaffSession } from '../../../staff/staff-session.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { readAppCookie, setAppCookie } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { consoleReturnPath, volverQuery } from '../console-return-path.ts';
import { STAFF_ENROL, STAFF_SECOND_FACTOR } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

export const STAFF_SIGN_IN_FAILED = 'No pudimos ingresar con esos datos. Revise el correo y la clave.';

function StaffSignInForm(props: { csrf: string; email?: string; errors: FieldErrors; message?: string; back: string | null }) {
  return (
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">Ingresar a la consola</h1>
      <p>Para el personal del proveedor. Después de la clave se le pedirá el código de su aplicación de autenticación.</p>
      <ErrorSummary errors={props.errors} message={props.message} />
      <form method="post" action={`/proveedor/ingresar${volverQuery(props.back)}`} novalidate>
        <CsrfField token={props.csrf} />
        <Field name="email" label="Correo" type="email" value={props.email} error={props.errors.email} autocomplete="username" inputmode="email" required autofocus maxlength={254} />
        <Field name="password" label="Clave" type="password" error={props.errors.password} autocomplete="current-password" required maxlength={1024} />
        <button type="submit" class="primary">
          Ingresar
        </button>
      </form>
      <p class="after-form">¿Olvidó su clave o perdió su teléfono? Pida a un administrador de la consola que le envíe una nueva invitación o restablezca su segundo factor.</p>
    </section>
  );
}

export const staffSignInRoutes = new Hono<AppEnv>()
  .get('/ingresar', (c) => {
    const back = consoleReturnPath(c.req.query('volver'), c.get('deps').config.publicUrl);
    const session = c.get('staffSession');
    if (session && session.secondFactorAt !== null) return c.redirect(back ?? '/proveedor', 303);
    return staffPage(c, { title: 'Ingresar', bare: true }, <StaffSignInForm csrf={c.get('csrfToken')} errors={{}} back={back} />);
  })
  .post('/ingresar', async (c) => {
    const f = await formFields(c);
    const deps = c.get('deps');
    const back = consoleReturnPath(c.req.query('volver'), deps.config.publicUrl);
    const email = (f.email ?? '').trim().toLowerCase().slice(0, 254);
    const password = f.password ?? '';
    const errors: FieldErrors = {};
    if (!email) errors.email = 'Ingrese su correo.';
    if (!password) errors.password = 'Ingrese su clave.';
    if (Object.keys(errors).length > 0) {
      return staffPage(c, { title: 'Ingresar', bare: true, status: 422 }, <StaffSignInForm csrf={c.get('csrfToken')} email={email} errors={errors} back={back} />);
    }
    const result = await staffSignIn(deps, {
      email, password: password.slice(0, 1024), ip: c.get('ip'), userAgent: c.req.header('user-agent') ?? null, deviceToken: readAppCookie(c, 'staff_device') ?? null,
    });
    deps.metrics.signIns.staff(result.ok ? (result.enrolled ? 'second-factor-asked' : 'enrolment-asked') : result.outcome);
    if (!result.ok) {
      return staffPage(c, { title: 'Ingresar', bare: true, status: 401 }, <StaffSignInForm csrf={c.get('csrfToken')} email={email} errors={{}} message={STAFF_SIGN_IN_FAILED} back={back} />);
    }
    // A new token at every sign-in; whatever console session this browser had ends.
    const previous = c.get('staffSession');
    if (previous) await deleteStaffSession(deps.db, previous.id);
    setAppCookie(c, 'staff', result.token);
    setAppCookie(c, 'staff_device', result.deviceToken, DEVICE_COOKIE_MAX_AGE_S);
    return c.redirect(result.enrolled ? `${STAFF_SECOND_FACTOR}${volverQuery(back)}` : STAFF_ENROL, 303);
  });
