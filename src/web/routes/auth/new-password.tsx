import type { Context } from 'hono';
import { Hono } from 'hono';
import { formatRut } from '../../../domain/rut.ts';
import { homeFor } from '../../../policies/policy.ts';
import { ChangePasswordForm } from '../../components/change-password-form.tsx';
import type { FieldErrors } from '../../components/form.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { requireUser, sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';
import { submitPasswordChange } from '../../submit-password-change.ts';

// The manual's first sign-in: "Ingresar Nueva Clave de Acceso" with the RUT
// and e-mail shown, three password fields and "Modificar".

function render(c: Context<AppEnv>, errors: FieldErrors, status: 200 | 422 = 200) {
  const s = sessionOf(c);
  return page(
    c,
    { title: 'Ingresar Nueva Clave de Acceso', bare: true, status },
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">Ingresar Nueva Clave de Acceso</h1>
      <p>Antes de continuar, reemplace la clave temporal que recibió por correo por una clave propia.</p>
      <dl class="identity">
        <dt>RUT</dt>
        <dd>{formatRut(s.customer.rut)}</dd>
        <dt>Correo</dt>
        <dd>{s.user.email}</dd>
      </dl>
      <ChangePasswordForm csrf={c.get('csrfToken')} action="/nueva-clave" errors={errors} email={s.user.email} button="Modificar" />
      <form method="post" action="/salir" class="after-form">
        <input type="hidden" name="_csrf" value={c.get('csrfToken')} />
        <button type="submit" class="link-button">
          Salir sin cambiar la clave
        </button>
      </form>
    </section>,
  );
}

export const newPasswordRoutes = new Hono<AppEnv>()
  .use('/nueva-clave', requireUser('account:manage'))
  .get('/nueva-clave', (c) => {
    const s = sessionOf(c);
    if (!s.user.must_change_password) return c.redirect('/cuenta', 303);
    return render(c, {});
  })
  .post('/nueva-clave', async (c) => {
    const s = sessionOf(c);
    if (!s.user.must_change_password) return c.redirect('/cuenta', 303);
    const errors = await submitPasswordChange(c);
    if (errors) return render(c, errors, 422);
    setFlash(c, 'Su nueva clave quedó guardada. Bienvenido al portal.');
    return c.redirect(homeFor(s.user.role), 303);
  });
