import { Hono } from 'hono';
import { staffCan } from '../../../../policies/staff-policy.ts';
import { listWebhookEndpoints } from '../../../../webhooks/webhook-endpoint-views.ts';
import { WEBHOOK_EVENT_LABEL, WEBHOOK_EVENT_TYPES } from '../../../../webhooks/webhook-events.ts';
import type { AppEnv } from '../../../env.ts';
import { requireStaff, staffSessionOf } from '../../require-staff.ts';
import { staffPage } from '../../staff-page.tsx';
import { LastAttempt, PausedBadge } from './webhook-views.tsx';

/** Webhooks: the endpoints the vendor's systems listen on, how each is doing, and the way to the delivery log. */
export const webhooksListRoutes = new Hono<AppEnv>().get('/webhooks', requireStaff('webhooks:read'), async (c) => {
  const endpoints = await listWebhookEndpoints(c.get('deps').db);
  const manages = staffCan(staffSessionOf(c).staff.role, 'webhooks:manage');
  return staffPage(
    c,
    { title: 'Webhooks', current: 'webhooks' },
    <>
      <h1>Webhooks</h1>
      <p>
        Direcciones de los sistemas del proveedor (facturación, CRM) que reciben un aviso firmado cuando algo ocurre en el portal: un cliente creado, un
        contrato que comienza o termina, un usuario nuevo, un artículo publicado. Un aviso que no llega se reintenta durante horas antes de darse por
        fallido.
      </p>
      <div class="row-actions">
        {manages ? (
          <a href="/proveedor/webhooks/nuevo" class="button primary">
            Registrar webhook
          </a>
        ) : null}
        <a href="/proveedor/webhooks/envios" class="button">
          Ver todos los envíos
        </a>
      </div>
      {endpoints.length === 0 ? (
        <p class="notice">Todavía no hay webhooks registrados.</p>
      ) : (
        <div class="table-scroll">
          <table class="data stack">
            <caption>Webhooks registrados ({endpoints.length})</caption>
            <thead>
              <tr>
                <th scope="col">Descripción y dirección</th>
                <th scope="col">Eventos</th>
                <th scope="col">Estado</th>
                <th scope="col">Último envío</th>
                <th scope="col">Pendientes</th>
                <th scope="col">Fallidos</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr>
                  <th scope="row">
                    <a href={`/proveedor/webhooks/${e.id}`}>
                      <bdi>{e.description}</bdi>
                    </a>
                    <br />
                    <span class="muted secret">{e.url}</span>
                  </th>
                  <td data-label="Eventos">
                    {e.events.length === WEBHOOK_EVENT_TYPES.length ? 'Todos' : e.events.map((t) => WEBHOOK_EVENT_LABEL[t]).join(', ')}
                  </td>
                  <td data-label="Estado">{e.paused ? <PausedBadge paused /> : 'Activo'}</td>
                  <td data-label="Último envío">
                    <LastAttempt last={e.last} />
                  </td>
                  <td data-label="Pendientes">
                    {e.pending > 0 ? <a href={`/proveedor/webhooks/envios?webhook=${e.id}&estado=${e.retrying > 0 ? 'reintentando' : 'pendiente'}`}>{e.pending}</a> : '0'}
                  </td>
                  <td data-label="Fallidos">{e.dead > 0 ? <a href={`/proveedor/webhooks/envios?webhook=${e.id}&estado=fallido`}>{e.dead}</a> : '0'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>,
  );
});
