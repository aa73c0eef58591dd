import type { Context } from 'hono';
import { Hono } from 'hono';
import { createCustomer } from '../../../customers/create-customer.ts';
import { formatRut } from '../../../domain/rut.ts';
import { ValidationError } from '../../../errors.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { requireStaff, staffPrincipalOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

type Values = { rut?: string; name?: string; adminName?: string; adminEmail?: string };

function render(c: Context<AppEnv>, v: Values, errors: FieldErrors, status: 200 | 422 = 200) {
  return staffPage(
    c,
    { title: 'Nuevo cliente', current: 'clientes', status },
    <>
      <Breadcrumbs items={[['Clientes', '/proveedor/clientes'], ['Nuevo cliente', null]]} />
      <h1>Nuevo cliente</h1>
      <p>
        El administrador del cliente recibirá por correo sus credenciales: el RUT de la empresa, su correo y una clave temporal que deberá cambiar al
        ingresar. Después podrá agregar a los usuarios técnicos de su empresa.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/proveedor/clientes/nuevo" novalidate class="card">
        <CsrfField token={c.get('csrfToken')} />
        <fieldset>
          <legend>Empresa</legend>
          <Field name="rut" label="RUT" value={v.rut} error={errors.rut} hint="Por ejemplo 76.543.210-3; con o sin puntos y guion." autocomplete="off" required autofocus maxlength={20} />
          <Field name="name" label="Razón social" value={v.name} error={errors.name} autocomplete="off" required maxlength={200} />
        </fieldset>
        <fieldset>
          <legend>Administrador</legend>
          <Field name="adminName" label="Nombre completo" value={v.adminName} error={errors.adminName} autocomplete="off" required maxlength={120} />
          <Field name="adminEmail" label="Correo" type="email" value={v.adminEmail} error={errors.adminEmail} autocomplete="off" inputmode="email" required maxlength={254} />
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">
            Crear cliente y enviar credenciales
          </button>
          <a href="/proveedor/clientes">Cancelar</a>
        </div>
      </form>
    </>,
  );
}

export const customerNewRoutes = new Hono<AppEnv>()
  .get('/clientes/nuevo', requireStaff('customers:write'), (c) => render(c, {}, {}))
  .post('/clientes/nuevo', requireStaff('customers:write'), async (c) => {
    const f = await formFields(c);
    const values: Values = { rut: f.rut?.slice(0, 20), name: f.name?.slice(0, 200), adminName: f.adminName?.slice(0, 120), adminEmail: f.adminEmail?.slice(0, 254) };
    try {
      const r = await createCustomer(c.get('deps'), staffPrincipalOf(c), { rut: f.rut, name: f.name, adminName: f.adminName, adminEmail: f.adminEmail });
      setFlash(c, `Cliente ${formatRut(r.rut)} creado. Enviamos las credenciales a su administrador.`, 'staff_flash');
      return c.redirect(`/proveedor/clientes/${r.customerId}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, values, err.fieldErrors, 422);
      throw err;
    }
  });
