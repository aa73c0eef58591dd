import type { Context } from 'hono';
import { Hono } from 'hono';
import { isUniqueViolation } from '../../../../db/dialect.ts';
import { createSystem, duplicateSystemMessage } from '../../../../help/authoring/create-system.ts';
import { ValidationError } from '../../../../errors.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../../components/form.tsx';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { formFields } from '../../../form-data.ts';
import { requireStaff } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { HELP_HOME, helpWrite, systemHref } from './help-route-context.ts';

type Values = { slug?: string; name?: string; description?: string };

function render(c: Context<AppEnv>, v: Values, errors: FieldErrors, status: 200 | 422 = 200) {
  return staffPage(
    c,
    { title: 'Nuevo sistema', current: 'ayuda', status },
    <>
      <Breadcrumbs items={[['Ayuda', HELP_HOME], ['Nuevo sistema', null]]} />
      <h1>Nuevo sistema</h1>
      <p>
        Un sistema es un producto que se puede contratar: aparece de inmediato en el formulario de contratos y en la columna «sistema» de la importación, y sus
        artículos de ayuda los ven los clientes que lo tienen contratado.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${HELP_HOME}/sistemas/nuevo`} novalidate class="card">
        <CsrfField token={c.get('csrfToken') ?? ''} />
        <Field
          name="slug" label="Código" value={v.slug} error={errors.slug} required maxlength={60} autocomplete="off"
          hint={<>Minúsculas sin tildes, números y guiones, por ejemplo <code>factura-electronica</code>. Es la dirección de la ayuda (/ayuda/código) y el código de los contratos: <strong>no se puede cambiar después</strong>.</>}
        />
        <Field name="name" label="Nombre" value={v.name} error={errors.name} required maxlength={120} autocomplete="off" />
        <Field name="description" label="Descripción (opcional)" value={v.description} error={errors.description} maxlength={300} autocomplete="off" hint="Una frase que los clientes ven en la portada de la ayuda." />
        <div class="actions">
          <button type="submit" class="primary">Crear el sistema</button>
          <a href={HELP_HOME}>Cancelar</a>
        </div>
      </form>
    </>,
  );
}

export const helpSystemNewRoutes = new Hono<AppEnv>()
  .get('/ayuda/sistemas/nuevo', requireStaff('help:write'), (c) => render(c, {}, {}))
  .post('/ayuda/sistemas/nuevo', requireStaff('help:write'), async (c) => {
    const f = await formFields(c);
    const input = { slug: f.slug ?? '', name: f.name ?? '', description: f.description ?? '' };
    const values = { slug: input.slug.slice(0, 60), name: input.name.slice(0, 120), description: input.description.slice(0, 300) };
    try {
      const r = await helpWrite(c, (trx, ctx, by) => createSystem(trx, ctx, by, input));
      setFlash(c, `Sistema creado. Ya se puede contratar y escribir su ayuda; agréguele categorías.`, 'staff_flash');
      return c.redirect(systemHref(r.slug), 303);
    } catch (err) {
      if (err instanceof ValidationError) return render(c, values, err.fieldErrors, 422);
      // Created by someone else between our check and our insert (an import, outside the structure lock).
      if (isUniqueViolation(err)) return render(c, values, { slug: duplicateSystemMessage(input.slug.trim()) }, 422);
      throw err;
    }
  });
