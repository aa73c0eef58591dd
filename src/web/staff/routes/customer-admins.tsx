import type { Context } from 'hono';
import { listCustomerAdmins } from '../../../customers/list-customer-admins.ts';
import { Hono } from 'hono';
import { addCustomerAdmin } from '../../../customers/add-customer-admin.ts';
import { findCustomerById } from '../../../customers/find-customer.ts';
import { ValidationError } from '../../../errors.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { requireStaff, staffPrincipalOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

type Values = { name?: string; email?: string; replaces?: string; previousBecomes?: string };

async function render(c: Context<AppEnv>, v: Values, errors: FieldErrors, status: 200 | 422 = 200) {
  const { db } = c.get('deps');
  const customer = await findCustomerById(db, c.req.param('id') ?? '');
  const admins = await listCustomerAdmins(db, customer.id);
  const replacing = Boolean(v.replaces) && admins.length > 0;
  const title = replacing ? 'Reemplazar administrador' : 'Agregar administrador';
  return staffPage(
    c,
    { title, current: 'clientes', status },
    <>
      <Breadcrumbs items={[['Clientes', '/proveedor/clientes'], [customer.name, `/proveedor/clientes/${customer.id}`], [title, null]]} />
      <h1>{title} de <bdi>{customer.name}</bdi></h1>
      {replacing ? (
        <p>
          La persona nueva recibe por correo sus credenciales de administrador. En el mismo momento, el administrador anterior deja de serlo: queda como
          usuario técnico (sigue viendo la ayuda, ya no administra usuarios ni ve los servicios) o queda deshabilitado (sin acceso). En ambos casos sus
          sesiones se cierran. Si el cambio no se puede completar, no cambia nada.
        </p>
      ) : (
        <p>
          Un segundo administrador, con los mismos permisos que el actual, que recibe sus credenciales por correo. Los administradores actuales no cambian.
          Para que alguien deje de administrar al cliente, use «Reemplazar administrador».
        </p>
      )}
      <ErrorSummary errors={errors} />
      <form method="post" action={`/proveedor/clientes/${customer.id}/administradores/nuevo`} novalidate class="card">
        <CsrfField token={c.get('csrfToken')} />
        {replacing ? (
          <>
            <div class={errors.replaces ? 'field has-error' : 'field'}>
              <label for="replaces">Administrador que se reemplaza</label>
              {errors.replaces ? <p class="field-error" id="replaces-error">{errors.replaces}</p> : null}
              <select id="replaces" name="replaces" aria-invalid={errors.replaces ? 'true' : undefined} aria-describedby={errors.replaces ? 'replaces-error' : undefined}>
                {admins.map((a) => (
                  <option value={a.id} selected={a.id === v.replaces}>{a.name} ({a.email})</option>
                ))}
              </select>
            </div>
            <fieldset id="previousBecomes" class={errors.previousBecomes ? 'has-error' : undefined}>
              <legend>Qué pasa con el administrador anterior</legend>
              {errors.previousBecomes ? <p class="field-error">{errors.previousBecomes}</p> : null}
              <label class="choice">
                <input type="radio" name="previousBecomes" value="technical" checked={v.previousBecomes !== 'disabled'} /> Queda como usuario técnico
              </label>
              <label class="choice">
                <input type="radio" name="previousBecomes" value="disabled" checked={v.previousBecomes === 'disabled'} /> Queda deshabilitado
              </label>
            </fieldset>
          </>
        ) : null}
        <Field name="name" label="Nombre completo del nuevo administrador" value={v.name} error={errors.name} autocomplete="off" required maxlength={120} />
        <Field name="email" label="Correo del nuevo administrador" type="email" value={v.email} error={errors.email} autocomplete="off" inputmode="email" required maxlength={254} />
        <div class="actions">
          <button type="submit" class="primary">{replacing ? 'Reemplazar y enviar credenciales' : 'Agregar y enviar credenciales'}</button>
          <a href={`/proveedor/clientes/${customer.id}#usuarios`}>Cancelar</a>
        </div>
      </form>
    </>,
  );
}

export const customerAdminsRoutes = new Hono<AppEnv>()
  .use('/clientes/:id/administradores/*', requireStaff('users:write'))
  .get('/clientes/:id/administradores/nuevo', (c) => render(c, { replaces: c.req.query('reemplaza') }, {}))
  .post('/clientes/:id/administradores/nuevo', async (c) => {
    const f = await formFields(c);
    const values: Values = { name: f.name?.slice(0, 120), email: f.email?.slice(0, 254), replaces: f.replaces?.slice(0, 40), previousBecomes: f.previousBecomes?.slice(0, 20) };
    try {
      const r = await addCustomerAdmin(c.get('deps'), staffPrincipalOf(c), c.req.param('id'), {
        name: f.name ?? '', email: f.email ?? '', replaces: f.replaces || undefined, previousBecomes: f.previousBecomes || undefined,
      });
      setFlash(c, r.replaced ? `${r.email} es ahora administrador en lugar de ${r.replaced}. Le enviamos sus credenciales.` : `${r.email} es ahora administrador. Le enviamos sus credenciales.`, 'staff_flash');
      return c.redirect(`/proveedor/clientes/${c.req.param('id')}#usuarios`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, values, err.fieldErrors, 422);
      throw err;
    }
  });
