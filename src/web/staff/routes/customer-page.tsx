import { Hono } from 'hono';
import { listAuditEvents, type AuditEventView } from '../../../audit/list-audit-events.ts';
import { customerOverview, type CustomerOverview } from '../../../customers/customer-overview.ts';
import { setCustomerDisabled } from '../../../customers/set-customer-disabled.ts';
import { ENDING_SOON_DAYS, vendorToday } from '../../../domain/contracts.ts';
import { formatRut } from '../../../domain/rut.ts';
import { staffCan } from '../../../policies/staff-policy.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { CsrfField } from '../../components/form.tsx';
import { formatDateTime, formatDay } from '../../components/format.ts';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { requireStaff, staffPrincipalOf, staffSessionOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';
import { CustomerUsersSection } from './customer-users.tsx';

const STATUS_LABEL = { 'in-force': 'Vigente', upcoming: 'Por comenzar', ended: 'Terminado' } as const;
const STATUS_CLASS = { 'in-force': 'state-active', upcoming: 'state-pending', ended: 'state-disabled' } as const;

function daysText(n: number): string {
  if (n === 0) return 'termina hoy';
  return n === 1 ? 'queda 1 día' : `quedan ${n} días`;
}

function ContractsSection(props: { o: CustomerOverview; canWrite: boolean }) {
  const { customer, contracts } = props.o;
  return (
    <section aria-labelledby="contratos" class="stack-section">
      <div class="page-head">
        <h2 id="contratos">Contratos</h2>
        {props.canWrite ? (
          <a class="button" href={`/proveedor/clientes/${customer.id}/contratos/nuevo`}>
            Agregar contrato
          </a>
        ) : null}
      </div>
      {contracts.length === 0 ? (
        <p>El cliente no tiene contratos: sus usuarios no ven ninguna ayuda.</p>
      ) : (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Contratos de {customer.name}</caption>
            <thead>
              <tr>
                <th scope="col">Sistema</th>
                <th scope="col">Plan</th>
                <th scope="col">Desde</th>
                <th scope="col">Hasta</th>
                <th scope="col">Estado</th>
                {props.canWrite ? <th scope="col">Acciones</th> : null}
              </tr>
            </thead>
            <tbody>
              {contracts.map((k) => (
                <tr>
                  <th scope="row">{k.systemName}</th>
                  <td data-label="Plan">
                    <bdi>{k.plan}</bdi>
                  </td>
                  <td data-label="Desde">{formatDay(k.startsOn)}</td>
                  <td data-label="Hasta">{k.endsOn ? formatDay(k.endsOn) : 'Sin término'}</td>
                  <td data-label="Estado">
                    <span class={`badge ${STATUS_CLASS[k.status]}`}>{STATUS_LABEL[k.status]}</span>
                    {k.daysLeft !== null ? <span class={k.daysLeft <= ENDING_SOON_DAYS ? 'badge warning' : 'badge'}>{daysText(k.daysLeft)}</span> : null}
                  </td>
                  {props.canWrite ? (
                    <td data-label="Acciones">
                      <a href={`/proveedor/clientes/${customer.id}/contratos/${k.id}`}>
                        Terminar o cambiar plan<span class="visually-hidden"> ({k.systemName}, desde {formatDay(k.startsOn)})</span>
                      </a>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function DisableSection(props: { o: CustomerOverview; csrf: string }) {
  const { customer } = props.o;
  return (
    <section aria-labelledby="estado-cliente" class="card">
      <h2 id="estado-cliente">{customer.disabled ? 'Habilitar el cliente' : 'Deshabilitar el cliente'}</h2>
      <p>
        {customer.disabled
          ? 'Sus usuarios podrán volver a ingresar con sus claves de siempre.'
          : 'Nadie del cliente podrá ingresar y sus sesiones abiertas se cierran al instante. Sus datos, usuarios y contratos se conservan.'}{' '}
        Por ser una acción sensible, puede pedirle un código nuevo de su aplicación de autenticación.
      </p>
      <form method="post" action={`/proveedor/clientes/${customer.id}/${customer.disabled ? 'habilitar' : 'deshabilitar'}`} class="inline">
        <CsrfField token={props.csrf} />
        <button type="submit" class={customer.disabled ? undefined : 'danger'}>
          {customer.disabled ? 'Habilitar cliente' : 'Deshabilitar cliente'}
        </button>
      </form>
    </section>
  );
}

/** The customer's ten newest audit events, with a link to the whole trail. */
function RecentActivity(props: { customerId: string; events: AuditEventView[] }) {
  return (
    <section aria-labelledby="actividad" class="stack-section">
      <h2 id="actividad">Actividad reciente</h2>
      {props.events.length === 0 ? (
        <p>Todavía no hay actividad registrada.</p>
      ) : (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Los {props.events.length} eventos más recientes</caption>
            <thead>
              <tr>
                <th scope="col">Cuándo</th>
                <th scope="col">Acción</th>
                <th scope="col">Quién</th>
                <th scope="col">Sobre</th>
              </tr>
            </thead>
            <tbody>
              {props.events.map((e) => (
                <tr>
                  <td data-label="Cuándo">{formatDateTime(e.at)}</td>
                  <td data-label="Acción">{e.actionLabel}</td>
                  <td data-label="Quién">
                    <bdi>{e.actorLabel}</bdi> <span class="muted">({e.actorKindLabel})</span>
                  </td>
                  <td data-label="Sobre">
                    <bdi>{e.targetLabel ?? ''}</bdi>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        <a href={`/proveedor/auditoria?cliente=${props.customerId}`}>Ver todo el registro de auditoría del cliente</a>
      </p>
    </section>
  );
}

export const customerPageRoutes = new Hono<AppEnv>()
  .get('/clientes/:id', requireStaff('customers:read'), async (c) => {
    const { db, clock } = c.get('deps');
    const now = clock.now();
    const o = await customerOverview(db, c.req.param('id'), vendorToday(now), now, c.req.query('usuarios'));
    const { staff } = staffSessionOf(c);
    const can = (a: Parameters<typeof staffCan>[1]) => staffCan(staff.role, a);
    const { customer } = o;
    const activity = can('audit:read') ? (await listAuditEvents(db, { customer: customer.id }, { pageSize: 10 })).events : null;
    return staffPage(
      c,
      { title: customer.name, current: 'clientes' },
      <>
        <Breadcrumbs items={[['Clientes', '/proveedor/clientes'], [customer.name, null]]} />
        <h1>
          <bdi>{customer.name}</bdi>
        </h1>
        <dl class="identity card">
          <dt>RUT</dt>
          <dd>{formatRut(customer.rut)}</dd>
          <dt>Estado</dt>
          <dd>
            <span class={`badge state-${customer.disabled ? 'disabled' : 'active'}`}>{customer.disabled ? 'Deshabilitado' : 'Activo'}</span>
            {customer.disabledAt ? ` desde ${formatDateTime(customer.disabledAt)}` : null}
          </dd>
          <dt>Cliente desde</dt>
          <dd>{formatDateTime(customer.createdAt)}</dd>
        </dl>
        {can('preview:customer') ? (
          <p>
            <a class="button" href={`/proveedor/clientes/${customer.id}/vista-previa`}>
              Ver como cliente
            </a>{' '}
            <span class="muted">La ayuda que ven sus usuarios técnicos, sólo lectura.</span>
          </p>
        ) : null}
        <ContractsSection o={o} canWrite={can('contracts:write')} />
        <CustomerUsersSection o={o} canWrite={can('users:write')} csrf={c.get('csrfToken')} />
        {activity ? <RecentActivity customerId={customer.id} events={activity} /> : null}
        {can('customers:disable') ? <DisableSection o={o} csrf={c.get('csrfToken')} /> : null}
      </>,
    );
  })
  .post('/clientes/:id/deshabilitar', requireStaff('customers:disable'), async (c) => {
    const id = c.req.param('id');
    const r = await setCustomerDisabled(c.get('deps'), staffPrincipalOf(c), { id }, true);
    setFlash(c, r.changed ? `${r.name} quedó deshabilitado y sus sesiones se cerraron.` : `${r.name} ya estaba deshabilitado.`, 'staff_flash');
    return c.redirect(`/proveedor/clientes/${id}`, 303);
  })
  .post('/clientes/:id/habilitar', requireStaff('customers:disable'), async (c) => {
    const id = c.req.param('id');
    const r = await setCustomerDisabled(c.get('deps'), staffPrincipalOf(c), { id }, false);
    setFlash(c, r.changed ? `${r.name} quedó habilitado.` : `${r.name} ya estaba habilitado.`, 'staff_flash');
    return c.redirect(`/proveedor/clientes/${id}`, 303);
  });
