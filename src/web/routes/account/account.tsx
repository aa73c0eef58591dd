import type { Context } from 'hono';
import { Hono } from 'hono';
import { endOtherUserSessions } from '../../../auth/end-other-user-sessions.ts';
import { toCount } from '../../../db/dialect.ts';
import { formatRut } from '../../../domain/rut.ts';
import { ChangePasswordForm } from '../../components/change-password-form.tsx';
import { CsrfField, type FieldErrors } from '../../components/form.tsx';
import { formatDateTime } from '../../components/format.ts';
import { setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { actorOf } from '../../actor.ts';
import { requireUser, sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';
import { submitPasswordChange } from '../../submit-password-change.ts';

async function render(c: Context<AppEnv>, errors: FieldErrors, status: 200 | 422 = 200) {
  const s = sessionOf(c);
  const other = await c.get('deps').db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', s.user.id)
    .where('id', '!=', s.id)
    .executeTakeFirst();
  const others = toCount(other?.n);
  return page(
    c,
    { title: 'Mi cuenta', current: 'cuenta', status },
    <>
      <h1>Mi cuenta</h1>
      <section class="card" aria-labelledby="datos">
        <h2 id="datos">Sus datos</h2>
        <dl class="identity">
          <dt>Nombre</dt>
          <dd>{s.user.name}</dd>
          <dt>Correo</dt>
          <dd>{s.user.email}</dd>
          <dt>Empresa</dt>
          <dd>
            {s.customer.name} ({formatRut(s.customer.rut)})
          </dd>
          <dt>Perfil</dt>
          <dd>{s.user.role === 'admin' ? 'Administrador' : 'Técnico'}</dd>
          <dt>Último ingreso</dt>
          <dd>{s.user.last_sign_in_at ? formatDateTime(s.user.last_sign_in_at) : '—'}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="clave">
        <h2 id="clave">Cambiar clave</h2>
        <p>Al cambiar la clave se cierran sus sesiones en otros equipos.</p>
        <ChangePasswordForm csrf={c.get('csrfToken')} action="/cuenta/clave" errors={errors} email={s.user.email} button="Cambiar clave" />
      </section>
      <section class="card" aria-labelledby="resumen-ayuda">
        <h2 id="resumen-ayuda">Resumen semanal de la ayuda</h2>
        <p>
          <a href="/cuenta/novedades">Recibir cada semana un resumen de los cambios en la ayuda de mis sistemas</a> (o dejar de recibirlo).
        </p>
      </section>
      <section class="card" aria-labelledby="sesiones">
        <h2 id="sesiones">Sesiones</h2>
        <p>{others === 0 ? 'No tiene otras sesiones abiertas.' : others === 1 ? 'Tiene 1 sesión abierta en otro equipo o navegador.' : `Tiene ${others} sesiones abiertas en otros equipos o navegadores.`}</p>
        <p>
          <a href="/cuenta/sesiones">Ver sus sesiones abiertas</a> (equipo, dirección y última actividad) y cerrar la que no reconozca.
        </p>
        <div class="actions">
          {others > 0 ? (
            <form method="post" action="/cuenta/cerrar-otras" class="inline">
              <CsrfField token={c.get('csrfToken')} />
              <button type="submit">Cerrar las otras sesiones</button>
            </form>
          ) : null}
          <form method="post" action="/salir" class="inline">
            <CsrfField token={c.get('csrfToken')} />
            <button type="submit">Salir</button>
          </form>
        </div>
      </section>
    </>,
  );
}

export const accountRoutes = new Hono<AppEnv>()
  .use('/cuenta', requireUser('account:manage'))
  .use('/cuenta/*', requireUser('account:manage'))
  .get('/cuenta', (c) => render(c, {}))
  .post('/cuenta/clave', async (c) => {
    const errors = await submitPasswordChange(c);
    if (errors) return render(c, errors, 422);
    setFlash(c, 'Su clave fue cambiada. Se cerraron sus sesiones en otros equipos y le enviamos un correo de aviso.');
    return c.redirect('/cuenta', 303);
  })
  .post('/cuenta/cerrar-otras', async (c) => {
    const n = await endOtherUserSessions(c.get('deps'), actorOf(c), sessionOf(c).id);
    setFlash(c, n === 1 ? 'Se cerró 1 sesión en otro equipo.' : `Se cerraron ${n} sesiones en otros equipos.`);
    return c.redirect('/cuenta', 303);
  });
