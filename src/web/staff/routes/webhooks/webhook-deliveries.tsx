import type { Context } from 'hono';
import { Hono } from 'hono';
import { AppError, ValidationError } from '../../../../errors.ts';
import { staffCan } from '../../../../policies/staff-policy.ts';
import { resendWebhookDelivery } from '../../../../webhooks/resend-webhook-delivery.ts';
import {
  listWebhookDeliveries,
  WEBHOOK_DELIVERY_STATE_LABEL,
  WEBHOOK_DELIVERY_STATES,
  webhookDeliveryDetail,
  type WebhookDeliveryDetail,
  type WebhookDeliveryFilterInput,
} from '../../../../webhooks/webhook-delivery-views.ts';
import { listWebhookEndpoints } from '../../../../webhooks/webhook-endpoint-views.ts';
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx';
import { FilterForm, FilterSelect } from '../../../components/filter-fields.tsx';
import { CsrfField, type FieldErrors } from '../../../components/form.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { Pager } from '../../../components/page-links.tsx';
import { setFlash } from '../../../cookies.ts';
import type { AppEnv } from '../../../env.ts';
import { requireStaff, staffPrincipalOf, staffSessionOf } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { RefusedNotice, answerText, DeliveryStateBadge } from './webhook-views.tsx';

const PAGE_SIZE = 50;
const STATE_OPTIONS = WEBHOOK_DELIVERY_STATES.map((s) => [s, WEBHOOK_DELIVERY_STATE_LABEL[s]] as const);

async function renderLog(c: Context<AppEnv>, f: WebhookDeliveryFilterInput, errors: FieldErrors) {
  const db = c.get('deps').db;
  const pageNo = Math.max(1, Math.min(10_000, Number(c.req.query('pagina') ?? 1) || 1));
  const valid = Object.keys(errors).length === 0;
  const [endpoints, rows] = await Promise.all([
    listWebhookEndpoints(db),
    valid ? listWebhookDeliveries(db, { ...f, limit: PAGE_SIZE + 1, offset: (pageNo - 1) * PAGE_SIZE }) : Promise.resolve([]),
  ]);
  return staffPage(
    c,
    { title: 'Envíos de webhooks', current: 'webhooks', status: valid ? 200 : 422 },
    <>
      <Breadcrumbs items={[['Webhooks', '/proveedor/webhooks'], ['Envíos', null]]} />
      <h1>Envíos de webhooks</h1>
      <p>Cada aviso a cada webhook, el más reciente primero. Abra uno para ver sus intentos, lo que se envió y para enviarlo otra vez.</p>
      <FilterForm action="/proveedor/webhooks/envios" errors={errors}>
        <FilterSelect id="endpointId" name="webhook" label="Webhook" value={f.endpointId} error={errors.endpointId} options={endpoints.map((e) => [e.id, `${e.description} (${e.url})`] as const)} />
        <FilterSelect id="state" name="estado" label="Estado" value={f.state} error={errors.state} options={STATE_OPTIONS} />
      </FilterForm>
      {valid && rows.length === 0 ? <p class="notice">No hay envíos con esos filtros.</p> : null}
      {rows.length > 0 ? (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Envíos, página {pageNo}</caption>
            <thead>
              <tr>
                <th scope="col">Evento</th>
                <th scope="col">Webhook</th>
                <th scope="col">Estado</th>
                <th scope="col">Intentos</th>
                <th scope="col">Última respuesta</th>
                <th scope="col">Creado</th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, PAGE_SIZE).map((d) => (
                <tr>
                  <th scope="row">
                    <a href={`/proveedor/webhooks/envios/${d.id}`}>
                      <code>{d.eventType}</code>
                    </a>
                    <br />
                    <span class="muted">{d.eventId}</span>
                  </th>
                  <td data-label="Webhook">
                    <span class="secret">{d.endpointUrl}</span>
                  </td>
                  <td data-label="Estado">
                    <DeliveryStateBadge state={d.state} />
                    {d.nextAttemptAt && d.state === 'reintentando' ? <> · próximo intento {formatDateTime(d.nextAttemptAt)}</> : null}
                  </td>
                  <td data-label="Intentos">{d.attempts}</td>
                  <td data-label="Última respuesta">{d.attempts > 0 ? answerText(d.lastStatus, d.lastError) : '—'}</td>
                  <td data-label="Creado">{formatDateTime(d.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager base="/proveedor/webhooks/envios" query={new URL(c.req.url).searchParams} page={pageNo} hasMore={rows.length > PAGE_SIZE} label="Páginas de envíos" />
    </>,
  );
}

function renderDelivery(c: Context<AppEnv>, d: WebhookDeliveryDetail, problem?: string) {
  const resends = staffCan(staffSessionOf(c).staff.role, 'webhooks:resend');
  return staffPage(
    c,
    { title: `Envío: ${d.eventType}`, current: 'webhooks', status: problem ? 409 : 200 },
    <>
      <Breadcrumbs items={[['Webhooks', '/proveedor/webhooks'], ['Envíos', '/proveedor/webhooks/envios'], [d.eventType, null]]} />
      <h1>
        Envío de <code>{d.eventType}</code>
      </h1>
      <RefusedNotice message={problem} />
      <dl class="card identity">
        <dt>Estado</dt>
        <dd>
          <DeliveryStateBadge state={d.state} />
          {d.endpointPaused && (d.state === 'pendiente' || d.state === 'reintentando') ? ' · el webhook está pausado: espera a que lo reanuden' : null}
        </dd>
        <dt>Webhook</dt>
        <dd>
          <a href={`/proveedor/webhooks/${d.endpointId}`} class="secret">
            {d.endpointUrl}
          </a>
        </dd>
        <dt>Identificador (webhook-id)</dt>
        <dd>
          <code>{d.eventId}</code>
        </dd>
        <dt>Creado</dt>
        <dd>{formatDateTime(d.createdAt)}</dd>
        {d.nextAttemptAt ? (
          <>
            <dt>Próximo intento</dt>
            <dd>{formatDateTime(d.nextAttemptAt)}</dd>
          </>
        ) : null}
        {d.deliveredAt ? (
          <>
            <dt>Entregado</dt>
            <dd>{formatDateTime(d.deliveredAt)}</dd>
          </>
        ) : null}
        {d.deadAt ? (
          <>
            <dt>Dado por fallido</dt>
            <dd>{formatDateTime(d.deadAt)}</dd>
          </>
        ) : null}
      </dl>
      {resends ? (
        <form method="post" action={`/proveedor/webhooks/envios/${d.id}/reenviar`} class="inline">
          <CsrfField token={c.get('csrfToken')} />
          <button type="submit" class="primary">
            Enviar otra vez
          </button>
        </form>
      ) : null}
      <h2>Intentos ({d.attemptsLog.length})</h2>
      {d.attemptsLog.length === 0 ? (
        <p class="muted">Todavía no se ha intentado.</p>
      ) : (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Intentos de este envío, el primero arriba</caption>
            <thead>
              <tr>
                <th scope="col">Cuándo</th>
                <th scope="col">Respuesta</th>
                <th scope="col">Duración</th>
              </tr>
            </thead>
            <tbody>
              {d.attemptsLog.map((a) => (
                <tr>
                  <th scope="row">{formatDateTime(a.at)}</th>
                  <td data-label="Respuesta">{answerText(a.status, a.error)}</td>
                  <td data-label="Duración">{a.durationMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Contenido enviado</h2>
      <pre class="card mail-body" tabindex={0}>
        {d.payload}
      </pre>
    </>,
  );
}

/** The delivery log (everyone who reads webhooks) and "Enviar otra vez" (webhooks:resend). */
export const webhookDeliveriesRoutes = new Hono<AppEnv>()
  .get('/webhooks/envios', requireStaff('webhooks:read'), async (c) => {
    const q = (n: string) => c.req.query(n)?.slice(0, 100);
    const f: WebhookDeliveryFilterInput = { endpointId: q('webhook'), state: q('estado') };
    try {
      await listWebhookDeliveries(c.get('deps').db, { ...f, limit: 0 });
      return await renderLog(c, f, {});
    } catch (err) {
      if (err instanceof ValidationError) return renderLog(c, f, err.fieldErrors);
      throw err;
    }
  })
  .get('/webhooks/envios/:id', requireStaff('webhooks:read'), async (c) => renderDelivery(c, await webhookDeliveryDetail(c.get('deps').db, c.req.param('id'))))
  .post('/webhooks/envios/:id/reenviar', requireStaff('webhooks:resend'), async (c) => {
    const id = c.req.param('id');
    try {
      const r = await resendWebhookDelivery(c.get('deps'), staffPrincipalOf(c), id);
      setFlash(c, `El aviso ${r.eventId} quedó para enviarse ahora a ${r.endpointUrl}.`, 'staff_flash');
      return c.redirect(`/proveedor/webhooks/envios/${id}`, 303);
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return renderDelivery(c, await webhookDeliveryDetail(c.get('deps').db, id), err.message);
      throw err;
    }
  });
