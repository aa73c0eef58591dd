import { Hono } from 'hono';
import { findResetLink, resetPassword } from '../../../auth/password-reset.ts';
import { formatRut } from '../../../domain/rut.ts';
import { ValidationError } from '../../../errors.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { page } from '../../render.tsx';
import { PasswordHint } from './password-hint.tsx';

function ResetForm(props: { csrf: string; token: string; rut: string; email: string; errors: FieldErrors }) {
  return (
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">Crear nueva clave</h1>
      <dl class="identity">
        <dt>RUT</dt>
        <dd>{formatRut(props.rut)}</dd>
        <dt>Correo</dt>
        <dd>{props.email}</dd>
      </dl>
      <ErrorSummary errors={props.errors} />
      <form method="post" action="/restablecer" novalidate>
        <CsrfField token={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <input type="hidden" name="username" value={props.email} autocomplete="username" />
        <Field name="newPassword" label="Nueva Clave de Acceso" type="password" error={props.errors.newPassword} hint={<PasswordHint />} autocomplete="new-password" required autofocus maxlength={1024} />
        <Field name="repeatPassword" label="Re-Ingrese Nueva Clave de Ingreso" type="password" error={props.errors.repeatPassword} autocomplete="new-password" required maxlength={1024} />
        <button type="submit" class="primary">
          Guardar nueva clave
        </button>
      </form>
    </section>
  );
}

export const resetPasswordRoutes = new Hono<AppEnv>()
  .get('/restablecer', async (c) => {
    const token = c.req.query('token') ?? '';
    const link = await findResetLink(c.get('deps'), token);
    return page(c, { title: 'Crear nueva clave', bare: true }, <ResetForm csrf={c.get('csrfToken')} token={token} rut={link.rut} email={link.email} errors={{}} />);
  })
  .post('/restablecer', async (c) => {
    const f = await formFields(c);
    const token = f.token ?? '';
    try {
      await resetPassword(c.get('deps'), { token, next: f.newPassword ?? '', repeat: f.repeatPassword ?? '', ip: c.get('ip') });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const link = await findResetLink(c.get('deps'), token);
      return page(c, { title: 'Crear nueva clave', bare: true, status: 422 }, <ResetForm csrf={c.get('csrfToken')} token={token} rut={link.rut} email={link.email} errors={err.fieldErrors} />);
    }
    setFlash(c, 'Su nueva clave quedó guardada y se cerraron todas sus sesiones. Ingrese con ella.');
    return c.redirect('/ingresar', 303);
  });
