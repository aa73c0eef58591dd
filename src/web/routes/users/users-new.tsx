import type { Context } from 'hono';
import { Hono } from 'hono';
import { inviteTechnicalUser } from '../../../customers/invite-technical-user.ts';
import { ValidationError } from '../../../errors.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { actorOf } from '../../actor.ts';
import { formFields } from '../../form-data.ts';
import { requireUser } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';

function render(c: Context<AppEnv>, values: { name?: string; email?: string }, errors: FieldErrors, status: 200 | 422 = 200) {
  return page(
    c,
    { title: 'Agregar usuario', current: 'usuarios', status },
    <>
      <Breadcrumbs items={[['Usuarios', '/usuarios'], ['Agregar usuario', null]]} />
      <h1>Agregar usuario técnico</h1>
      <p>El usuario recibirá por correo sus credenciales de acceso: el RUT de la empresa, su correo y una clave temporal que deberá cambiar al ingresar. Sólo verá la ayuda en línea.</p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/usuarios/nuevo" novalidate class="card">
        <CsrfField token={c.get('csrfToken')} />
        <Field name="name" label="Nombre completo" value={values.name} error={errors.name} autocomplete="off" required autofocus maxlength={120} />
        <Field name="email" label="Correo" type="email" value={values.email} error={errors.email} autocomplete="off" inputmode="email" required maxlength={254} />
        <div class="actions">
          <button type="submit" class="primary">
            Guardar y enviar credenciales
          </button>
          <a href="/usuarios">Cancelar</a>
        </div>
      </form>
    </>,
  );
}

export const usersNewRoutes = new Hono<AppEnv>()
  .use('/usuarios/nuevo', requireUser('users:manage'))
  .get('/usuarios/nuevo', (c) => render(c, {}, {}))
  .post('/usuarios/nuevo', async (c) => {
    const f = await formFields(c);
    try {
      const created = await inviteTechnicalUser(c.get('deps'), actorOf(c), actorOf(c).customer.id, { name: f.name, email: f.email });
      setFlash(c, `Usuario agregado. Enviamos las credenciales de acceso a ${created.email}.`);
      return c.redirect('/usuarios', 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, { name: f.name?.slice(0, 120), email: f.email?.slice(0, 254) }, err.fieldErrors, 422);
      throw err;
    }
  });
