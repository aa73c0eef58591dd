import type { Context } from 'hono';
import { Hono } from 'hono';
import { addContract } from '../../../customers/add-contract.ts';
import { changeContractPlan } from '../../../customers/change-contract-plan.ts';
import { endContract } from '../../../customers/end-contract.ts';
import { findContract } from '../../../customers/find-contract.ts';
import { findCustomerById } from '../../../customers/find-customer.ts';
import { formatDay, vendorToday } from '../../../domain/contracts.ts';
import { ValidationError } from '../../../errors.ts';
import { listSystems } from '../../../help/list-systems.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../components/form.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { formFields } from '../../form-data.ts';
import { requireStaff, staffPrincipalOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

type Customer = Awaited<ReturnType<typeof findCustomerById>>;

function crumbs(customer: Customer, here: string) {
  return <Breadcrumbs items={[['Clientes', '/proveedor/clientes'], [customer.name, `/proveedor/clientes/${customer.id}`], [here, null]]} />;
}

async function renderNew(c: Context<AppEnv>, customer: Customer, v: Record<string, string | undefined>, errors: FieldErrors, status: 200 | 422 = 200) {
  const systems = await listSystems(c.get('deps').db);
  return staffPage(
    c,
    { title: 'Agregar contrato', current: 'clientes', status },
    <>
      {crumbs(customer, 'Agregar contrato')}
      <h1>Agregar contrato a <bdi>{customer.name}</bdi></h1>
      <p>Los usuarios del cliente verán la ayuda del sistema desde el día de inicio (hora de Santiago) hasta el día de término, ambos incluidos.</p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`/proveedor/clientes/${customer.id}/contratos/nuevo`} novalidate class="card">
        <CsrfField token={c.get('csrfToken')} />
        <div class={errors.system ? 'field has-error' : 'field'}>
          <label for="system">Sistema</label>
          {errors.system ? <p class="field-error" id="system-error">{errors.system}</p> : null}
          <select id="system" name="system" required aria-invalid={errors.system ? 'true' : undefined} aria-describedby={errors.system ? 'system-error' : undefined}>
            <option value="">Elija un sistema</option>
            {systems.map((s) => (
              <option value={s.slug} selected={s.slug === v.system}>{s.name}</option>
            ))}
          </select>
        </div>
        <Field name="plan" label="Plan" value={v.plan} error={errors.plan} required maxlength={120} autocomplete="off" />
        <Field name="startsOn" label="Desde" type="date" value={v.startsOn ?? vendorToday(c.get('deps').clock.now())} error={errors.startsOn} required />
        <Field name="endsOn" label="Hasta (opcional)" type="date" value={v.endsOn} error={errors.endsOn} hint="Déjelo vacío si el contrato no tiene fecha de término." />
        <div class="actions">
          <button type="submit" class="primary">Agregar contrato</button>
          <a href={`/proveedor/clientes/${customer.id}#contratos`}>Cancelar</a>
        </div>
      </form>
    </>,
  );
}

async function renderEdit(c: Context<AppEnv>, v: Record<string, string | undefined>, errors: FieldErrors, status: 200 | 422 = 200) {
  const { db } = c.get('deps');
  const customer = await findCustomerById(db, c.req.param('id') ?? '');
  const k = await findContract(db, c.req.param('cid') ?? '', customer.id);
  const base = `/proveedor/clientes/${customer.id}/contratos/${k.id}`;
  const title = `Contrato de ${k.system_name}`;
  return staffPage(
    c,
    { title, current: 'clientes', status },
    <>
      {crumbs(customer, title)}
      <h1>{title} de <bdi>{customer.name}</bdi></h1>
      <p>
        Plan <bdi>{k.plan}</bdi>, desde el {formatDay(k.starts_on)} {k.ends_on ? `hasta el ${formatDay(k.ends_on)}` : 'sin fecha de término'}.
      </p>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${base}/terminar`} novalidate class="card">
        <h2>Terminar el contrato</h2>
        <p>El día de término es el último en que el cliente ve la ayuda de {k.system_name}; al día siguiente se cierra.</p>
        <CsrfField token={c.get('csrfToken')} />
        <Field name="endsOn" label="Último día" type="date" value={v.endsOn ?? k.ends_on ?? vendorToday(c.get('deps').clock.now())} error={errors.endsOn} required />
        <div class="actions"><button type="submit">Fijar el término</button></div>
      </form>
      <form method="post" action={`${base}/plan`} novalidate class="card">
        <h2>Cambiar el plan</h2>
        <p>Las fechas no cambian. Si el nuevo plan empieza otro día, termine este contrato y agregue uno nuevo.</p>
        <CsrfField token={c.get('csrfToken')} />
        <Field name="plan" label="Nuevo plan" value={v.plan ?? k.plan} error={errors.plan} required maxlength={120} autocomplete="off" />
        <div class="actions"><button type="submit">Cambiar el plan</button></div>
      </form>
      <p><a href={`/proveedor/clientes/${customer.id}#contratos`}>Volver al cliente</a></p>
    </>,
  );
}

function back(c: Context<AppEnv>, message: string) {
  setFlash(c, message, 'staff_flash');
  return c.redirect(`/proveedor/clientes/${c.req.param('id')}#contratos`, 303);
}

export const customerContractsRoutes = new Hono<AppEnv>()
  .use('/clientes/:id/contratos/*', requireStaff('contracts:write'))
  .get('/clientes/:id/contratos/nuevo', async (c) => renderNew(c, await findCustomerById(c.get('deps').db, c.req.param('id')), {}, {}))
  .post('/clientes/:id/contratos/nuevo', async (c) => {
    const customer = await findCustomerById(c.get('deps').db, c.req.param('id'));
    const f = await formFields(c);
    const input = { system: f.system ?? '', plan: f.plan ?? '', startsOn: f.startsOn ?? '', endsOn: f.endsOn ?? '' };
    try {
      await addContract(c.get('deps'), staffPrincipalOf(c), { id: customer.id }, input);
      return back(c, 'Contrato agregado.');
    } catch (err) {
      if (err instanceof ValidationError) return renderNew(c, customer, { system: input.system.slice(0, 100), plan: input.plan.slice(0, 120), startsOn: input.startsOn.slice(0, 10), endsOn: input.endsOn.slice(0, 10) }, err.fieldErrors, 422);
      throw err;
    }
  })
  .get('/clientes/:id/contratos/:cid', (c) => renderEdit(c, {}, {}))
  .post('/clientes/:id/contratos/:cid/terminar', async (c) => {
    const f = await formFields(c);
    try {
      // The day as saved (trimmed by the schema), not as typed: formatDay throws on " 2026-05-01 ".
      const { endsOn } = await endContract(c.get('deps'), staffPrincipalOf(c), { id: c.req.param('cid'), customerId: c.req.param('id'), endsOn: f.endsOn ?? '' });
      return back(c, `El contrato termina el ${formatDay(endsOn)}.`);
    } catch (err) {
      if (err instanceof ValidationError) return renderEdit(c, { endsOn: f.endsOn?.slice(0, 10) }, err.fieldErrors, 422);
      throw err;
    }
  })
  .post('/clientes/:id/contratos/:cid/plan', async (c) => {
    const f = await formFields(c);
    try {
      const r = await changeContractPlan(c.get('deps'), staffPrincipalOf(c), { id: c.req.param('cid'), customerId: c.req.param('id'), plan: f.plan ?? '' });
      return back(c, r.changed ? 'Plan cambiado.' : 'El contrato ya tenía ese plan.');
    } catch (err) {
      if (err instanceof ValidationError) return renderEdit(c, { plan: f.plan?.slice(0, 120) }, err.fieldErrors, 422);
      throw err;
    }
  });
