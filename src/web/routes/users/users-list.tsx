import { Hono } from 'hono';
import { listUsers, USER_STATE_LABEL, type UserListItem } from '../../../customers/list-users.ts';
import { CsrfField } from '../../components/form.tsx';
import { formatDateTime } from '../../components/format.ts';
import type { AppEnv } from '../../env.ts';
import { requireUser, sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';

function UserActions(props: { u: UserListItem; csrf: string }) {
  const { u } = props;
  if (u.role !== 'technical') return <span class="muted">Administrado por el proveedor</span>;
  return (
    <div class="row-actions">
      {u.state !== 'disabled' ? (
        <form method="post" action={`/usuarios/${u.id}/reenviar`} class="inline">
          <CsrfField token={props.csrf} />
          <button type="submit" aria-label={`Reenviar credenciales a ${u.email}`}>
            Reenviar credenciales
          </button>
        </form>
      ) : null}
      <form method="post" action={`/usuarios/${u.id}/${u.state === 'disabled' ? 'habilitar' : 'deshabilitar'}`} class="inline">
        <CsrfField token={props.csrf} />
        <button type="submit" aria-label={`${u.state === 'disabled' ? 'Habilitar' : 'Deshabilitar'} a ${u.email}`}>
          {u.state === 'disabled' ? 'Habilitar' : 'Deshabilitar'}
        </button>
      </form>
      <a class="button danger" href={`/usuarios/${u.id}/eliminar`} aria-label={`Eliminar a ${u.email}`}>
        Eliminar
      </a>
    </div>
  );
}

export const usersListRoutes = new Hono<AppEnv>().use('/usuarios', requireUser('users:manage')).get('/usuarios', async (c) => {
  const s = sessionOf(c);
  const users = await listUsers(c.get('deps').db, s.customer.id);
  return page(
    c,
    { title: 'Usuarios', current: 'usuarios' },
    <>
      <div class="page-head">
        <h1>Usuarios</h1>
        <a href="/usuarios/nuevo" class="button primary">
          Agregar usuarios
        </a>
      </div>
      <p>Los usuarios con perfil técnico sólo ven la ayuda en línea de los sistemas contratados.</p>
      <div class="table-scroll">
        <table class="data stack">
          <caption>Usuarios de {s.customer.name}</caption>
          <thead>
            <tr>
              <th scope="col">Nombre</th>
              <th scope="col">Correo</th>
              <th scope="col">Perfil</th>
              <th scope="col">Estado</th>
              <th scope="col">Último ingreso</th>
              <th scope="col">Acciones</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr>
                <th scope="row">{u.name}</th>
                <td data-label="Correo">{u.email}</td>
                <td data-label="Perfil">
                  {u.role === 'admin' ? 'Administrador' : 'Técnico'}
                  {u.role === 'technical' ? (
                    <>
                      <br />
                      {/* The visible text starts the link's name (WCAG 2.5.3); whose it is, for a screen reader, follows. */}
                      <a href={`/usuarios/${u.id}/ayuda`}>
                        Ayuda: {u.helpScope.length ? u.helpScope.join(', ') : 'todos los sistemas'}
                        <span class="visually-hidden"> ({u.email})</span>
                      </a>
                    </>
                  ) : null}
                </td>
                <td data-label="Estado">
                  <span class={`badge state-${u.state}`}>{USER_STATE_LABEL[u.state]}</span>
                </td>
                <td data-label="Último ingreso">{u.lastSignInAt ? formatDateTime(u.lastSignInAt) : 'Nunca'}</td>
                <td data-label="Acciones">
                  <UserActions u={u} csrf={c.get('csrfToken')} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>,
  );
});
