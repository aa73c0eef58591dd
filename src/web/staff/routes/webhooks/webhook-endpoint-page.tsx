import type { Context } from 'hono';
import { Hono } from 'hono';
import { AppError } from '../../../../errors.ts';
import { staffCan } from '../../../../policies/staff-policy.ts';
import { deleteWebhookEndpoint } from '../../../../webhooks/delete-webhook-endpoint.ts';
import { setWebhookEndpointPaused } from '../../../../webhooks/set-webhook-endpoint-paused.ts';
import { rotateWebhookSecret, showWebhookSecret } from '../../../../webhooks/webhook-endpoint-secret.ts';
import { webhookEndpointSummary, type WebhookEndpointSummary } from '../../../../webhooks/webhook-endpoint-views.ts';
import { WEBHOOK_EVENT_LABEL } from '../../../../webhooks/webhook-events.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { CsrfField } from '../../../components/form.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { requireStaff, staffPrincipalOf, staffSessionOf } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { RefusedNotice, LastAttempt, PausedBadge } from './webhook-views.tsx';

function PostButton(props: { action: string; csrf: string; label: string; class?: string }) {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfField token={props.csrf} />
      <button type="submit" class={props.class}>
        {props.label}
      </button>
    </form>
  );
}

function render(c: Context<AppEnv>, e: WebhookEndpointSummary, problem?: string) {
  const manages = staffCan(staffSessionOf(c).staff.role, 'webhooks:manage');
  const csrf = c.get('csrfToken');
  const base = `/proveedor/webhooks/${e.id}`;
  return staffPage(
    c,
    { title: `Webhook: ${e.description}`, current: 'webhooks', status: problem ? 409 : 200 },
    <>
      <Breadcrumbs items={[['Webhooks', '/proveedor/webhooks'], [e.description, null]]} />
      <h1>
        <bdi>{e.description}</bdi> <PausedBadge paused={e.paused} />
      </h1>
      <RefusedNotice message={problem} />
      <dl class="card identity">
        <dt>Dirección</dt>
        <dd class="secret">{e.url}</dd>
        <dt>Estado</dt>
        <dd>{e.paused ? `Pausado desde el ${formatDateTime(e.pausedAt!)}: no recibe avisos nuevos y los pendientes esperan.` : 'Activo'}</dd>
        <dt>Último envío</dt>
        <dd>
          <LastAttempt last={e.last} />
        </dd>
        <dt>Pendientes</dt>
        <dd>
          {e.pending} (reintentando: {e.retrying})
        </dd>
        <dt>Fallidos</dt>
        <dd>{e.dead}</dd>
        <dt>Registrado</dt>
        <dd>
          {formatDateTime(e.createdAt)} por <bdi>{e.createdBy}</bdi>
        </dd>
        <dt>Modificado</dt>
        <dd>{formatDateTime(e.updatedAt)}</dd>
      </dl>
      <p>
        <a href={`/proveedor/webhooks/envios?webhook=${e.id}`}>Ver los envíos a este webhook</a>
      </p>
      <h2>Eventos</h2>
      <ul>
        {e.events.map((t) => (
          <li>
            {WEBHOOK_EVENT_LABEL[t]} <code>{t}</code>
          </li>
        ))}
      </ul>
      {manages ? (
        <>
          <h2>Acciones</h2>
          <div class="row-actions">
            <a href={`${base}/editar`} class="button">
              Modificar
            </a>
            {e.paused ? <PostButton action={`${base}/reanudar`} csrf={csrf} label="Reanudar" class="primary" /> : <PostButton action={`${base}/pausar`} csrf={csrf} label="Pausar" />}
            <a href={`${base}/eliminar`} class="button danger">
              Eliminar…
            </a>
          </div>
          <h2>Secreto de firma</h2>
          <p>
            El sistema que recibe los avisos lo necesita para comprobar la firma de cada uno. Mostrarlo o cambiarlo queda en la auditoría. Al cambiarlo, el
            anterior deja de servir de inmediato: configure el nuevo en el receptor.
          </p>
          <div class="row-actions">
            <PostButton action={`${base}/secreto`} csrf={csrf} label="Mostrar secreto" />
            <a href={`${base}/rotar-secreto`} class="button danger">
              Cambiar secreto…
            </a>
          </div>
        </>
      ) : null}
    </>,
  );
}

function secretPage(c: Context<AppEnv>, id: string, url: string, secret: string, rotated: boolean) {
  return staffPage(
    c,
    { title: 'Secreto del webhook', current: 'webhooks' },
    <>
      <Breadcrumbs items={[['Webhooks', '/proveedor/webhooks'], ['Webhook', `/proveedor/webhooks/${id}`], ['Secreto', null]]} />
      <h1>Secreto del webhook</h1>
      {rotated ? (
        <p class="notice" role="status">
          Se generó un secreto nuevo: desde ahora cada aviso se firma con él y el anterior ya no sirve.
        </p>
      ) : null}
      <p>
        Para <span class="secret">{url}</span>. Cópielo en la configuración del sistema que recibe los avisos; no lo envíe por correo ni chat.
      </p>
      <p class="card secret" id="secreto">
        {secret}
      </p>
      <p>
        <a href={`/proveedor/webhooks/${id}`}>Volver al webhook</a>
      </p>
    </>,
  );
}

function confirmDeletePage(c: Context<AppEnv>, e: WebhookEndpointSummary) {
  const csrf = c.get('csrfToken');
  return staffPage(
    c,
    { title: 'Eliminar webhook', current: 'webhooks' },
    <>
      <Breadcrumbs items={[['Webhooks', '/proveedor/webhooks'], [e.description, `/proveedor/webhooks/${e.id}`], ['Eliminar', null]]} />
      <h1>¿Eliminar este webhook?</h1>
      <p>
        <bdi>{e.description}</bdi> · <span class="secret">{e.url}</span>
      </p>
      <p>
        Se borran el webhook y su registro de envíos ({e.pending} pendientes y {e.dead} fallidos no se enviarán). La auditoría conserva qué era y cuántos
        envíos tenía. Para dejar de enviar sin perder el registro, páuselo en vez de eliminarlo.
      </p>
      {e.paused ? (
        <form method="post" action={`/proveedor/webhooks/${e.id}/eliminar`} class="card">
          <CsrfField token={csrf} />
          <div class="actions">
            <button type="submit" class="danger">
              Eliminar webhook
            </button>
            <a href={`/proveedor/webhooks/${e.id}`}>Cancelar</a>
          </div>
        </form>
      ) : (
        <>
          <p class="notice">Pause el webhook antes de eliminarlo: así ningún aviso queda a medio enviar.</p>
          <PostButton action={`/proveedor/webhooks/${e.id}/pausar`} csrf={csrf} label="Pausar" />
        </>
      )}
    </>,
  );
}

function confirmRotatePage(c: Context<AppEnv>, e: WebhookEndpointSummary) {
  return staffPage(
    c,
    { title: 'Cambiar el secreto del webhook', current: 'webhooks' },
    <>
      <Breadcrumbs items={[['Webhooks', '/proveedor/webhooks'], [e.description, `/proveedor/webhooks/${e.id}`], ['Cambiar secreto', null]]} />
      <h1>¿Cambiar el secreto de este webhook?</h1>
      <p>
        <bdi>{e.description}</bdi> · <span class="secret">{e.url}</span>
      </p>
      <p>
        El secreto actual deja de servir en cuanto confirme: el receptor rechazará los avisos (también los reintentos de los {e.pending} pendientes) hasta que
        configure en él el nuevo, que verá en la página siguiente. Úselo si el secreto pudo quedar a la vista de alguien.
      </p>
      <form method="post" action={`/proveedor/webhooks/${e.id}/rotar-secreto`} class="card">
        <CsrfField token={c.get('csrfToken')} />
        <div class="actions">
          <button type="submit" class="danger">
            Cambiar secreto
          </button>
          <a href={`/proveedor/webhooks/${e.id}`}>Cancelar</a>
        </div>
      </form>
    </>,
  );
}

/** A change the endpoint's state refuses (409: delete an active one, a try under way): its page again, with why. */
async function changeOrExplain(c: Context<AppEnv>, run: () => Promise<{ to: string; flash: string }>) {
  try {
    const r = await run();
    setFlash(c, r.flash, 'staff_flash');
    return c.redirect(r.to, 303);
  } catch (err) {
    if (err instanceof AppError && err.status === 409) return render(c, await webhookEndpointSummary(c.get('deps').db, c.req.param('id')!), err.message);
    throw err;
  }
}

/** One endpoint: what it is and how it is doing, and (administrators) pause, resume, delete and its secret. */
export const webhookEndpointPageRoutes = new Hono<AppEnv>()
  .get('/webhooks/:id', requireStaff('webhooks:read'), async (c) => render(c, await webhookEndpointSummary(c.get('deps').db, c.req.param('id'))))
  .post('/webhooks/:id/pausar', requireStaff('webhooks:manage'), (c) =>
    changeOrExplain(c, async () => {
      const r = await setWebhookEndpointPaused(c.get('deps'), staffPrincipalOf(c), c.req.param('id'), true);
      return { to: `/proveedor/webhooks/${c.req.param('id')}`, flash: r.changed ? 'Webhook pausado: los avisos nuevos esperan hasta que lo reanude.' : 'El webhook ya estaba pausado.' };
    }),
  )
  .post('/webhooks/:id/reanudar', requireStaff('webhooks:manage'), (c) =>
    changeOrExplain(c, async () => {
      const r = await setWebhookEndpointPaused(c.get('deps'), staffPrincipalOf(c), c.req.param('id'), false);
      return { to: `/proveedor/webhooks/${c.req.param('id')}`, flash: r.changed ? 'Webhook reanudado: los avisos pendientes se envían ahora.' : 'El webhook ya estaba activo.' };
    }),
  )
  .get('/webhooks/:id/eliminar', requireStaff('webhooks:manage'), async (c) => confirmDeletePage(c, await webhookEndpointSummary(c.get('deps').db, c.req.param('id'))))
  .post('/webhooks/:id/eliminar', requireStaff('webhooks:manage'), (c) =>
    changeOrExplain(c, async () => {
      const r = await deleteWebhookEndpoint(c.get('deps'), staffPrincipalOf(c), c.req.param('id'));
      return { to: '/proveedor/webhooks', flash: `Webhook eliminado: ${r.url}.` };
    }),
  )
  .post('/webhooks/:id/secreto', requireStaff('webhooks:manage'), async (c) => {
    const r = await showWebhookSecret(c.get('deps'), staffPrincipalOf(c), c.req.param('id'));
    return secretPage(c, c.req.param('id'), r.url, r.secret, false);
  })
  .get('/webhooks/:id/rotar-secreto', requireStaff('webhooks:manage'), async (c) => confirmRotatePage(c, await webhookEndpointSummary(c.get('deps').db, c.req.param('id'))))
  .post('/webhooks/:id/rotar-secreto', requireStaff('webhooks:manage'), async (c) => {
    const r = await rotateWebhookSecret(c.get('deps'), staffPrincipalOf(c), c.req.param('id'));
    return secretPage(c, c.req.param('id'), r.url, r.secret, true);
  });
