import { Hono, type MiddlewareHandler } from 'hono';
import { isLoopbackHost } from '../../../config.ts';
import { notFound } from '../../../errors.ts';
import { listOutbox, type OutboxState } from '../../../mail/list-outbox.ts';
import { hasSecretPlaceholder, readableMail } from '../../../mail/mail-secrets.ts';
import { formatDateTime } from '../../components/format.ts';
import type { AppEnv } from '../../env.ts';
import { page } from '../../render.tsx';

/**
 * Development only (no SMTP_URL, not production): the mails the portal
 * "sent", readable here so a developer can follow the credential and reset
 * flows without a mail server. In any other setup the page does not exist.
 * It has no sign-in, so it exists only while the portal listens on this
 * machine alone: loadConfig refuses a network HOST without SMTP_URL, and this
 * checks again for a config built some other way.
 */
const onlyInDevelopment: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { devMailbox, host } = c.get('deps').config;
  if (!devMailbox || !isLoopbackHost(host)) throw notFound();
  await next();
};

const STATE: Record<OutboxState, string> = { sent: 'entregado', pending: 'en cola', dead: 'rechazado' };

export const devMailboxRoutes = new Hono<AppEnv>()
  .use('/dev/correo', onlyInDevelopment)
  .use('/dev/correo/*', onlyInDevelopment)
  .get('/dev/correo', async (c) => {
    const mails = await listOutbox(c.get('deps').db, { limit: 100 });
    return page(
      c,
      { title: 'Buzón de desarrollo', bare: !c.get('session') },
      <>
        <h1>Buzón de desarrollo</h1>
        <p class="notice">Sin SMTP_URL configurado, los correos quedan aquí en lugar de salir. Esta página no existe en producción.</p>
        {mails.length === 0 ? <p>No hay correos.</p> : null}
        <ul class="article-list">
          {mails.map((m) => (
            <li>
              <a href={`/dev/correo/${m.id}`}>{m.subject}</a>
              <p>
                Para {m.to} · {formatDateTime(m.createdAt)} · {STATE[m.state]}
              </p>
            </li>
          ))}
        </ul>
      </>,
    );
  })
  .get('/dev/correo/:id', async (c) => {
    const id = c.req.param('id');
    // PostgreSQL refuses a NUL byte in a parameter outright (a 500); no mail has such an id, nor one this long.
    if (id.length > 100 || id.includes('\u0000')) throw notFound();
    const m = await c.get('deps').db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    if (!m) throw notFound();
    // Delivered by this process: its own copy, secrets and all. Still queued:
    // the row has them. Delivered before a restart: the row kept none.
    const copy = c.get('deps').devMailbox?.delivered(m.id);
    const text = copy?.text ?? readableMail(m).text_body;
    const erased = !copy && m.secrets === null && hasSecretPlaceholder(m.text_body);
    return page(
      c,
      { title: m.subject, bare: !c.get('session') },
      <>
        <p>
          <a href="/dev/correo">← Buzón de desarrollo</a>
        </p>
        <h1>{m.subject}</h1>
        <p>Para: {m.to_address}</p>
        {erased ? (
          <p class="notice">
            Este correo se entregó antes de que el portal se reiniciara: su clave temporal o su enlace se borraron de la base al entregarlo, y la copia en memoria de
            este buzón se perdió con el reinicio. Pida un correo nuevo (reenviar credenciales, «¿Olvidó su contraseña?»).
          </p>
        ) : null}
        <pre class="mail-text">{text}</pre>
      </>,
    );
  });
