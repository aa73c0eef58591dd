import { z } from 'zod';
import { plainLine } from '../domain/plain-text.ts';
import { fieldErrors } from '../customers/user-fields.ts';
import { ValidationError } from '../errors.ts';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.ts';
import { checkWebhookUrl, type WebhookNetworkPolicy } from './webhook-url-policy.ts';

export const WEBHOOK_DESCRIPTION_MAX = 200;

/**
 * The address field: the worker's own rule (webhook-url-policy.ts), so what
 * staff may register is what the portal will post to; kept in its
 * canonical form (two spellings of one address are the same endpoint).
 */
export function webhookUrlSchema(policy: WebhookNetworkPolicy) {
  return z.string({ error: 'Ingrese la URL del webhook.' }).transform((s, ctx) => {
    const r = checkWebhookUrl(s, policy);
    if (r.ok) return r.url.href;
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  });
}

/**
 * An endpoint as staff register or change it: the console's form, and the
 * API or CLI if they ever register one. The URL rule depends on the
 * configuration (localhost, private networks), hence a function of it.
 */
export function webhookEndpointInput(policy: WebhookNetworkPolicy) {
  return z.object({
    url: webhookUrlSchema(policy),
    description: z
      .string({ error: 'Escriba para qué es este webhook (por ejemplo, «ERP de facturación»).' })
      .pipe(plainLine('La descripción'))
      .pipe(z.string().min(1, 'Escriba para qué es este webhook (por ejemplo, «ERP de facturación»).').max(WEBHOOK_DESCRIPTION_MAX, `La descripción puede tener como máximo ${WEBHOOK_DESCRIPTION_MAX} caracteres.`)),
    events: z
      .array(z.string(), { error: 'Marque al menos un evento.' })
      .min(1, 'Marque al menos un evento.')
      .refine((list) => list.every(isWebhookEventType), 'Elija los eventos de la lista.')
      // Stored once each, in the list's order: the same set always reads the same.
      .transform((list) => WEBHOOK_EVENT_TYPES.filter((t) => list.includes(t)) as WebhookEventType[]),
  });
}

export type WebhookEndpointInput = { url: string; description: string; events: readonly string[] };
export type WebhookEndpointFields = z.output<ReturnType<typeof webhookEndpointInput>>;

/** The input checked, or a ValidationError naming every wrong field at once. */
export function parseWebhookEndpointInput(policy: WebhookNetworkPolicy, input: WebhookEndpointInput): WebhookEndpointFields {
  const parsed = webhookEndpointInput(policy).safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
  return parsed.data;
}

export const DUPLICATE_WEBHOOK_URL = 'Ya hay un webhook con esa dirección: cambie sus eventos en vez de registrar otro (recibiría cada aviso dos veces).';
