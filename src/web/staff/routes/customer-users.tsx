import type { Context } from 'hono';
import { Hono } from 'hono';
import type { CustomerOverview } from '../../../customers/customer-overview.ts';
import { deleteUser } from '../../../customers/delete-user.ts';
import { endUserSessions } from '../../../customers/end-user-sessions.ts';
import { loadUserFor, type UserRef } from '../../../customers/find-managed-user.ts';
import { liftSignInThrottle } from '../../../customers/lift-sign-in-throttle.ts';
import { USER_STATE_LABEL } from '../../../customers/list-users.ts';
import { resendCredentials } from '../../../customers/resend-credentials.ts';
import { setUserDisabled } from '../../../customers/set-user-disabled.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { PageLinks } from '../../components/page-links.tsx';
import { CsrfField } from '../../components/form.tsx';
import { formatDateTime } from '../../components/format.ts';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { requireStaff, staffPrincipalOf } from '../require-staff.ts';
import { staffPage } from '../staff-page.tsx';

type UserRow = CustomerOverview['users'][number];

function ActionButton(props: { href: string; csrf: string; label: string; name: string; danger?: boolean }) {
  return (
    <form method="post" action={props.href} class="inline">
      <CsrfField token={props.csrf} />
      <button type="submit" class={props.danger ? 'danger' : undefined} aria-label={`${props.label}: ${props.name}`}>
        {props.label}
      </button>
    </form>
  );
}

function UserActions(props: { customerId: string; u: UserRow; csrf: string }) {
  const { u } = props;
  const base = `/proveedor/clientes/${props.customerId}/usuarios/${u.id}`;
  return (
    <div class="row-actions">
      {u.state !== 'disabled' ? <ActionButton href={`${base}/reenviar`} csrf={props.csrf} label="Reenviar credenciales" name={u.email} /> : null}
      <ActionButton href={`${base}/${u.state === 'disabled' ? 'habilitar' : 'deshabilitar'}`} csrf={props.csrf} label={u.state === 'disabled' ? 'Habilitar' : 'Deshabilitar'} name={u.email} />
      {u.throttledUntil ? <ActionButton href={`${base}/desbloquear`} csrf={props.csrf} label="Quitar bloqueo de ingreso" name={u.email} /> : null}
      {u.sessions > 0 ? <ActionButton href={`${base}/cerrar-sesiones`} csrf={props.csrf} label="Cerrar sesiones" name={u.email} /> : null}
      <a class="button danger" href={`${base}/eliminar`} aria-label={`Eliminar: ${u.email}`}>
        Eliminar
      </a>
    </div>
  );
}

/** The customer page's users: who they are, how they stand, and (users:write) what support can do for them. */
export function CustomerUsersSection(props: { o: CustomerOverview; canWrite: boolean; csrf: string }) {
  const { customer, users } = props.o;
  const admins = users.filter((u) => u.role === 'admin');
  return (
    <section aria-labelledby="usuarios" class="stack-section">
      <div class="page-head">
        <h2 id="usuarios">Usuarios</h2>
        {props.canWrite ? (
          <div class="row-actions">
            <a class="button" href={`/proveedor/clientes/${customer.id}/administradores/nuevo`}>
              Agregar administrador
            </a>
            {admins.length ? (
              <a class="button" href={`/proveedor/clientes/${customer.id}/administradores/nuevo?reemplaza=${admins[0]!.id}`}>
                Reemplazar administrador
              </a>
            ) : null}
          </div>
        ) : null}
      </div>
      <div class="table-scroll">
        <table class="data stack">
          <caption>
            Usuarios de {customer.name}
            {props.o.usersPageCount > 1 ? ` (${props.o.usersTotal}, página ${props.o.usersPage} de ${props.o.usersPageCount})` : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Nombre</th>
              <th scope="col">Correo</th>
              <th scope="col">Perfil</th>
              <th scope="col">Estado</th>
              <th scope="col">Último ingreso</th>
              <th scope="col">Sesiones abiertas</th>
              {props.canWrite ? <th scope="col">Acciones</th> : null}
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr>
                <th scope="row">
                  <bdi>{u.name}</bdi>
                </th>
                <td data-label="Correo">{u.email}</td>
                <td data-label="Perfil">{u.role === 'admin' ? 'Administrador' : 'Técnico'}</td>
                <td data-label="Estado">
                  <span class={`badge state-${u.state}`}>{USER_STATE_LABEL[u.state]}</span>
                  {u.throttledUntil ? <span class="badge warning">Ingreso bloqueado hasta {formatDateTime(u.throttledUntil)}</span> : null}
                </td>
                <td data-label="Último ingreso">{u.lastSignInAt ? formatDateTime(u.lastSignInAt) : 'Nunca'}</td>
                <td data-label="Sesiones abiertas">{u.sessions}</td>
                {props.canWrite ? (
                  <td data-label="Acciones">
                    <UserActions customerId={customer.id} u={u} csrf={props.csrf} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PageLinks page={props.o.usersPage} pageCount={props.o.usersPageCount} href={(n) => `/proveedor/clientes/${customer.id}${n > 1 ? `?usuarios=${n}` : ''}#usuarios`} label="Páginas de usuarios" />
    </section>
  );
}

function refOf(c: Context<AppEnv>): UserRef {
  return { customerId: c.req.param('id') ?? '', userId: c.req.param('uid') ?? '' };
}

function back(c: Context<AppEnv>, message: string) {
  setFlash(c, message, 'staff_flash');
  return c.redirect(`/proveedor/clientes/${c.req.param('id')}#usuarios`, 303);
}

export const customerUsersRoutes = new Hono<AppEnv>()
  .use('/clientes/:id/usuarios/:uid/*', requireStaff('users:write'))
  .post('/clientes/:id/usuarios/:uid/reenviar', async (c) => {
    const { email } = await resendCredentials(c.get('deps'), staffPrincipalOf(c), refOf(c));
    return back(c, `Enviamos nuevas credenciales a ${email}. Las anteriores ya no sirven y sus sesiones se cerraron.`);
  })
  .post('/clientes/:id/usuarios/:uid/deshabilitar', async (c) => {
    const { email } = await setUserDisabled(c.get('deps'), staffPrincipalOf(c), refOf(c), true);
    return back(c, `${email} quedó deshabilitado y sus sesiones se cerraron.`);
  })
  .post('/clientes/:id/usuarios/:uid/habilitar', async (c) => {
    const { email } = await setUserDisabled(c.get('deps'), staffPrincipalOf(c), refOf(c), false);
    return back(c, `${email} quedó habilitado.`);
  })
  .post('/clientes/:id/usuarios/:uid/desbloquear', async (c) => {
    const { email } = await liftSignInThrottle(c.get('deps'), staffPrincipalOf(c), refOf(c));
    return back(c, `${email} puede volver a intentar ingresar ahora.`);
  })
  .post('/clientes/:id/usuarios/:uid/cerrar-sesiones', async (c) => {
    const { email, ended } = await endUserSessions(c.get('deps'), staffPrincipalOf(c), refOf(c));
    return back(c, ended === 1 ? `Cerramos la sesión abierta de ${email}.` : `Cerramos las ${ended} sesiones abiertas de ${email}.`);
  })
  .get('/clientes/:id/usuarios/:uid/eliminar', async (c) => {
    const { user, customer } = await loadUserFor(c.get('deps').db, staffPrincipalOf(c), refOf(c));
    const cancel = `/proveedor/clientes/${customer.id}#usuarios`;
    return staffPage(
      c,
      { title: 'Eliminar usuario', current: 'clientes' },
      <>
        <Breadcrumbs items={[['Clientes', '/proveedor/clientes'], [customer.name, `/proveedor/clientes/${customer.id}`], ['Eliminar usuario', null]]} />
        <h1>
          ¿Eliminar a <bdi>{user.name}</bdi>?
        </h1>
        <p>
          {user.email} ({user.role === 'admin' ? 'administrador' : 'usuario técnico'} de <bdi>{customer.name}</bdi>) dejará de tener acceso al portal y no
          podrá recuperarlo; el registro de auditoría conserva lo que hizo. Si sólo hay que suspender su acceso, deshabilítelo en su lugar.
          {user.role === 'admin' ? ' El único administrador activo de un cliente no se puede eliminar: agregue o reemplace el administrador primero.' : ''}
        </p>
        <div class="actions">
          <form method="post" action={`/proveedor/clientes/${customer.id}/usuarios/${user.id}/eliminar`} class="inline">
            <CsrfField token={c.get('csrfToken')} />
            <button type="submit" class="danger">
              Sí, eliminar usuario
            </button>
          </form>
          <a href={cancel}>Cancelar</a>
        </div>
      </>,
    );
  })
  .post('/clientes/:id/usuarios/:uid/eliminar', async (c) => {
    const { email } = await deleteUser(c.get('deps'), staffPrincipalOf(c), refOf(c));
    return back(c, `${email} fue eliminado.`);
  });
