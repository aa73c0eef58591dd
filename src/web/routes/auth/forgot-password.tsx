import { Hono } from 'hono';
import { requestPasswordReset } from '../../../auth/password-reset.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { readAccountFields } from '../../account-fields.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { page } from '../../render.tsx';

export const RESET_REQUESTED =
  'Si los datos corresponden a un usuario del portal, enviamos un correo con un enlace para crear una nueva clave. Revise su bandeja de entrada (y la carpeta de spam). El enlace vence en una hora.';

function ForgotForm(props: { csrf: string; values: { rut?: string; email?: string }; errors: FieldErrors }) {
  return (
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">¿Olvidó su contraseña?</h1>
      <p>Escriba el RUT de su empresa y su correo. Le enviaremos un enlace para crear una nueva clave.</p>
      <ErrorSummary errors={props.errors} />
      <form method="post" action="/recuperar" novalidate>
        <CsrfField token={props.csrf} />
        <Field name="rut" label="RUT de la empresa" value={props.values.rut} error={props.errors.rut} hint="Por ejemplo 12.345.678-5" required autofocus maxlength={20} />
        <Field name="email" label="Correo" type="email" value={props.values.email} error={props.errors.email} autocomplete="username" inputmode="email" required maxlength={254} />
        <button type="submit" class="primary">
          Enviar enlace
        </button>
      </form>
      <p class="after-form">
        <a href="/ingresar">Volver a ingresar</a>
      </p>
    </section>
  );
}

export const forgotPasswordRoutes = new Hono<AppEnv>()
  .get('/recuperar', (c) => page(c, { title: 'Recuperar acceso', bare: true }, <ForgotForm csrf={c.get('csrfToken')} values={{}} errors={{}} />))
  .post('/recuperar', async (c) => {
    const f = await formFields(c);
    const account = readAccountFields(f);
    if (!account.ok) {
      return page(c, { title: 'Recuperar acceso', bare: true, status: 422 }, <ForgotForm csrf={c.get('csrfToken')} values={account.values} errors={account.errors} />);
    }
    await requestPasswordReset(c.get('deps'), { rut: account.rut, email: account.email, ip: c.get('ip') });
    return page(
      c,
      { title: 'Revise su correo', bare: true },
      <section class="card auth-card" aria-labelledby="titulo">
        <h1 id="titulo">Revise su correo</h1>
        <p role="status">{RESET_REQUESTED}</p>
        <p class="after-form">
          <a href="/ingresar">Volver a ingresar</a>
        </p>
      </section>,
    );
  });
