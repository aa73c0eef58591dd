import type { Context } from 'hono';
import { Hono } from 'hono';
import { isLiveUnsubscribeToken, unsubscribeByToken } from '../../../help/digest/unsubscribe-by-token.ts';
import type { AppEnv } from '../../env.ts';
import { page } from '../../render.tsx';
import { readForm } from '../../request-body.ts';

/** The List-Unsubscribe address of the digest mails; its POST is exempt from CSRF (customer-app.ts). */
export const DIGEST_UNSUBSCRIBE_PATH = '/ayuda/resumen/baja';

const TITLE = 'Resumen semanal de la ayuda';
// The same answer for a token that never existed and one already used: nothing about anyone shows.
const NOT_LIVE = 'Este enlace ya no corresponde a una suscripción vigente: no hay nada que cancelar. Si aún recibe el resumen, desactívelo en Mi cuenta › Resumen semanal de la ayuda.';

function notice(c: Context<AppEnv>, message: string, status: 200 | 400 = 200) {
  return page(
    c,
    { title: TITLE, bare: true, status },
    <section class="card auth-card" aria-labelledby="titulo">
      <h1 id="titulo">{TITLE}</h1>
      <p role="status">{message}</p>
      <p>
        <a href="/ayuda">Ir a la ayuda en línea</a>
      </p>
    </section>,
  );
}

/**
 * Leaving the weekly digest from its mail. The GET only asks (mail scanners
 * and link previews follow links, so a GET must change nothing); the POST
 * unsubscribes, whether from the page's button or straight from the mail
 * client (RFC 8058 one-click: "List-Unsubscribe=One-Click" posted without
 * cookies). The token in the address is the whole authority: it is random,
 * stored only hashed, and names one subscription.
 */
export const helpDigestUnsubscribeRoutes = new Hono<AppEnv>()
  .get(DIGEST_UNSUBSCRIBE_PATH, async (c) => {
    const token = c.req.query('t') ?? '';
    if (!(await isLiveUnsubscribeToken(c.get('deps').db, token))) return notice(c, NOT_LIVE, 400);
    return page(
      c,
      { title: TITLE, bare: true },
      <section class="card auth-card" aria-labelledby="titulo">
        <h1 id="titulo">{TITLE}</h1>
        <p>¿Dejar de recibir cada semana el resumen de los cambios en la ayuda de sus sistemas?</p>
        <form method="post" action={`${DIGEST_UNSUBSCRIBE_PATH}?t=${encodeURIComponent(token)}`}>
          <button type="submit" class="primary">
            Dejar de recibir el resumen
          </button>
        </form>
        <p>Si no quiere cancelarlo, simplemente cierre esta página.</p>
      </section>,
    );
  })
  .post(DIGEST_UNSUBSCRIBE_PATH, async (c) => {
    // No CSRF guard here, so the body is read (within the form limit) by this route; a mail client may send it as multipart.
    const { form } = await readForm(c, { maxBytes: 4096, multipart: true });
    const token = c.req.query('t') ?? form.get('t') ?? '';
    const { db, clock } = c.get('deps');
    const done = await unsubscribeByToken(db, token, clock.now(), c.get('ip') ?? null);
    return done ? notice(c, 'Listo: ya no recibirá el resumen semanal de la ayuda. Puede volver a pedirlo cuando quiera en Mi cuenta.') : notice(c, NOT_LIVE, 400);
  });
