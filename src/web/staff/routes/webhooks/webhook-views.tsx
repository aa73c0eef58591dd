import type { WebhookLastAttempt } from '../../../../webhooks/webhook-endpoint-views.ts';
import { WEBHOOK_DELIVERY_STATE_LABEL, type WebhookDeliveryState } from '../../../../webhooks/webhook-delivery-views.ts';
import { formatDateTime } from '../../../components/format.ts';

/** The badge beside a paused endpoint's name (nothing for an active one: the usual state needs no word). */
export function PausedBadge(props: { paused: boolean }) {
  return props.paused ? <span class="badge state-disabled">Pausado</span> : null;
}

/** How a receiver answered: "200", or the error when there was no answer. */
export function answerText(status: number | null, error: string | null): string {
  if (status !== null) return error ? `HTTP ${status} · ${error}` : `HTTP ${status}`;
  return error ?? 'Sin respuesta';
}

/** The last try of an endpoint: when, and whether the receiver took it. */
export function LastAttempt(props: { last: WebhookLastAttempt | null }) {
  const l = props.last;
  if (!l) return <span class="muted">Ninguno todavía</span>;
  return (
    <>
      <span class={l.ok ? 'badge state-active' : 'badge warning'}>{l.ok ? 'Entregado' : 'Falló'}</span> {answerText(l.status, l.ok ? null : l.error)} ·{' '}
      {formatDateTime(l.at)}
    </>
  );
}

const STATE_CLASS: Record<WebhookDeliveryState, string> = {
  pendiente: 'badge',
  reintentando: 'badge state-pending',
  entregado: 'badge state-active',
  fallido: 'badge warning',
};

export function DeliveryStateBadge(props: { state: WebhookDeliveryState }) {
  return <span class={STATE_CLASS[props.state]}>{WEBHOOK_DELIVERY_STATE_LABEL[props.state]}</span>;
}

/** Why a change was refused (409: the endpoint's or the delivery's state), above the page it was tried from. */
export function RefusedNotice(props: { message?: string }) {
  return props.message ? (
    <p class="notice error" role="alert">
      {props.message}
    </p>
  ) : null;
}
