import { Hono } from 'hono';
import { findManagedUser } from '../../../customers/find-managed-user.ts';
import { notFound } from '../../../errors.ts';
import { deleteUser } from '../../../customers/delete-user.ts';
import { resendCredentials } from '../../../customers/resend-credentials.ts';
import { setUserDisabled } from '../../../customers/set-user-disabled.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { CsrfField } from '../../components/form.tsx';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { actorOf } from '../../actor.ts';
import type { UserRef } from '../../../customers/find-managed-user.ts';
import type { Context } from 'hono';
import { requireUser, sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';

/** The user in the URL, within the administrator's own customer. */
function userRef(c: Context<AppEnv>): UserRef {
  return { customerId: sessionOf(c).customer.id, userId: c.req.param('id') ?? '' };
}

export const usersActionsRoutes = new Hono<AppEnv>()
  .use('/usuarios/:id/*', requireUser('users:manage'))
  .post('/usuarios/:id/reenviar', async (c) => {
    const { email } = await resendCredentials(c.get('deps'), actorOf(c), userRef(c));
    setFlash(c, `Enviamos nuevas credenciales a ${email}. Las anteriores ya no sirven.`);
    return c.redirect('/usuarios', 303);
  })
  .post('/usuarios/:id/deshabilitar', async (c) => {
    const { email } = await setUserDisabled(c.get('deps'), actorOf(c), userRef(c), true);
    setFlash(c, `${email} quedó deshabilitado y sus sesiones se cerraron.`);
    return c.redirect('/usuarios', 303);
  })
  .post('/usuarios/:id/habilitar', async (c) => {
    const { email } = await setUserDisabled(c.get('deps'), actorOf(c), userRef(c), false);
    setFlash(c, `${email} quedó habilitado.`);
    return c.redirect('/usuarios', 303);
  })
  .get('/usuarios/:id/eliminar', async (c) => {
    const s = sessionOf(c);
    const user = await findManagedUser(c.get('deps').db, s.customer.id, c.req.param('id'));
    // An administrator has nothing to confirm here: the page does not exist for them.
    if (user.role !== 'technical') throw notFound();
    return page(
      c,
      { title: 'Eliminar usuario', current: 'usuarios' },
      <>
        <Breadcrumbs items={[['Usuarios', '/usuarios'], ['Eliminar usuario', null]]} />
        <h1>¿Eliminar a <bdi>{user.name}</bdi>?</h1>
        <p>
          {user.email} dejará de tener acceso al portal y no podrá recuperarlo. Si sólo quiere suspender su acceso por un tiempo, deshabilítelo en su lugar.
        </p>
        <div class="actions">
          <form method="post" action={`/usuarios/${user.id}/eliminar`} class="inline">
            <CsrfField token={c.get('csrfToken')} />
            <button type="submit" class="danger">
              Sí, eliminar usuario
            </button>
          </form>
          <a href="/usuarios">Cancelar</a>
        </div>
      </>,
    );
  })
  .post('/usuarios/:id/eliminar', async (c) => {
    const { email } = await deleteUser(c.get('deps'), actorOf(c), userRef(c));
    setFlash(c, `${email} fue eliminado.`);
    return c.redirect('/usuarios', 303);
  });
