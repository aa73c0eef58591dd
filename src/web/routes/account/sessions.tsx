import { Hono } from 'hono';
import { endOtherUserSessions } from '../../../auth/end-other-user-sessions.ts';
import { endUserSession } from '../../../auth/end-user-session.ts';
import { listUserSessions, type UserSessionItem } from '../../../auth/list-user-sessions.ts';
import { Breadcrumbs } from '../../components/breadcrumbs.tsx';
import { CsrfField } from '../../components/form.tsx';
import { formatDateTime } from '../../components/format.ts';
import { clearAppCookie, setFlash } from '../../cookies.ts';
import type { AppEnv } from '../../env.ts';
import { actorOf } from '../../actor.ts';
import { formFields } from '../../form-data.ts';
import { requireUser, sessionOf } from '../../middleware/require-user.ts';
import { page } from '../../render.tsx';

function EndForm(props: { s: UserSessionItem; csrf: string }) {
  const { s } = props;
  // The ref goes in the body, not the URL: it never lands in a log line or a Referer (session-ref.ts).
  return (
    <form method="post" action="/cuenta/sesiones/cerrar" class="inline">
      <CsrfField token={props.csrf} />
      <input type="hidden" name="session" value={s.ref} />
      <button type="submit" aria-label={s.current ? 'Salir: cerrar esta sesión' : `Cerrar la sesión de ${s.device}, vista por última vez el ${formatDateTime(s.lastSeenAt)}`}>
        {s.current ? 'Salir' : 'Cerrar'}
      </button>
    </form>
  );
}

/** Mi cuenta › Sesiones: where the user is signed in, and a way to end any of those sessions. */
export const sessionsRoutes = new Hono<AppEnv>()
  .use('/cuenta/sesiones', requireUser('account:manage'))
  .use('/cuenta/sesiones/*', requireUser('account:manage'))
  .get('/cuenta/sesiones', async (c) => {
    const s = sessionOf(c);
    const { db, clock, config } = c.get('deps');
    const sessions = await listUserSessions(db, s.user.id, s.id, { now: clock.now(), idleMs: config.sessionIdleMs });
    const others = sessions.filter((x) => !x.current).length;
    const csrf = c.get('csrfToken');
    return page(
      c,
      { title: 'Sesiones', current: 'cuenta' },
      <>
        <Breadcrumbs items={[['Mi cuenta', '/cuenta'], ['Sesiones', null]]} />
        <h1>Sesiones</h1>
        <p>Los equipos y navegadores donde su cuenta está abierta. Si no reconoce alguno, ciérrelo y cambie su clave.</p>
        <div class="table-scroll">
          <table class="data stack">
            <caption>Sesiones abiertas de {s.user.email}</caption>
            <thead>
              <tr>
                <th scope="col">Equipo</th>
                <th scope="col">Dirección</th>
                <th scope="col">Inicio</th>
                <th scope="col">Última actividad</th>
                <th scope="col">Acción</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((x) => (
                <tr>
                  <td data-label="Equipo">
                    {x.device}
                    {x.current ? (
                      <>
                        {' '}
                        <span class="badge">Esta sesión</span>
                      </>
                    ) : null}
                  </td>
                  <td data-label="Dirección">{x.ip ?? '—'}</td>
                  <td data-label="Inicio">{formatDateTime(x.createdAt)}</td>
                  <td data-label="Última actividad">{formatDateTime(x.lastSeenAt)}</td>
                  <td data-label="Acción">
                    <EndForm s={x} csrf={csrf} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {others > 0 ? (
          <form method="post" action="/cuenta/sesiones/cerrar-otras" class="actions">
            <CsrfField token={csrf} />
            <button type="submit">Cerrar las otras sesiones</button>
          </form>
        ) : (
          <p>No tiene otras sesiones abiertas.</p>
        )}
      </>,
    );
  })
  .post('/cuenta/sesiones/cerrar', async (c) => {
    const s = sessionOf(c);
    const { sessionId } = await endUserSession(c.get('deps'), actorOf(c), await formFields(c));
    if (sessionId === s.id) {
      clearAppCookie(c, 'sid');
      setFlash(c, 'Cerró su sesión.');
      return c.redirect('/ingresar', 303);
    }
    setFlash(c, 'La sesión quedó cerrada: ese equipo tendrá que ingresar otra vez.');
    return c.redirect('/cuenta/sesiones', 303);
  })
  .post('/cuenta/sesiones/cerrar-otras', async (c) => {
    const n = await endOtherUserSessions(c.get('deps'), actorOf(c), sessionOf(c).id);
    setFlash(c, n === 1 ? 'Se cerró 1 sesión en otro equipo.' : `Se cerraron ${n} sesiones en otros equipos.`);
    return c.redirect('/cuenta/sesiones', 303);
  });
