import { z } from 'zod';
import type { WebhookEventType } from './webhook-events.ts';

/**
 * The `data` of each webhook event, as the receiver gets it: one zod schema
 * per event type, the documented contract (the API's OpenAPI document lists
 * them under `webhooks`). Only what a vendor's system needs to follow the
 * portal: ids, the canonical RUT, names, the system's slug, the plan and
 * dates. Never a password, temporary password, hash or token.
 *
 * A field may be added later; none is removed or changes meaning (a receiver
 * should ignore what it does not know).
 */

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('Día calendario en America/Santiago, AAAA-MM-DD.');
const Instant = z.string().describe('Instante en UTC, ISO 8601 (2026-12-02T15:04:05.000Z).');

export const WebhookCustomer = z
  .object({
    id: z.string().describe('Identificador del cliente en el portal (UUID).'),
    rut: z.string().describe('RUT canónico: cuerpo sin puntos, guion y dígito verificador en mayúscula (76543210-K).'),
    name: z.string().describe('Razón social del cliente.'),
  })
  .describe('El cliente al que se refiere el evento.');

export const WebhookSystem = z
  .object({
    slug: z.string().describe('Código estable del sistema (contabilidad, remuneraciones…).'),
    name: z.string().describe('Nombre del sistema como se muestra.'),
  })
  .describe('Sistema contratado.');

export const WebhookContract = z
  .object({
    id: z.string().describe('Identificador del contrato (UUID).'),
    system: WebhookSystem,
    plan: z.string().describe('Plan contratado.'),
    startsOn: Day.describe('Primer día de vigencia (America/Santiago).'),
    endsOn: Day.nullable().describe('Último día de vigencia (incluido), o null si no tiene término.'),
  })
  .describe('El contrato (servicio) al que se refiere el evento.');

export const WebhookUser = z
  .object({
    id: z.string().describe('Identificador del usuario (UUID).'),
    email: z.string().describe('Correo del usuario; junto con el RUT del cliente lo identifica.'),
    name: z.string().describe('Nombre del usuario.'),
    role: z.enum(['admin', 'technical']).describe('admin: usuario administrador del cliente; technical: usuario técnico (solo ayuda en línea).'),
  })
  .describe('El usuario del cliente al que se refiere el evento.');

export const CustomerCreatedData = z
  .object({
    customer: WebhookCustomer.extend({ createdAt: Instant.describe('Cuándo se creó el cliente.') }),
    admin: WebhookUser.omit({ role: true }).describe('Su usuario administrador, creado con él (también llega un user.created).'),
  })
  .describe('Se creó un cliente con su usuario administrador (desde la consola, la terminal, una importación o la API).');

export const CustomerDisabledData = z
  .object({
    customer: WebhookCustomer.extend({ disabledAt: Instant.describe('Cuándo se deshabilitó.') }),
  })
  .describe('Se deshabilitó un cliente: ninguno de sus usuarios puede ingresar.');

export const ContractCreatedData = z
  .object({ contract: WebhookContract, customer: WebhookCustomer })
  .describe('Se registró un contrato (puede comenzar hoy, en el futuro o haber comenzado antes).');

export const ContractStartedData = z
  .object({ contract: WebhookContract, customer: WebhookCustomer })
  .describe('Comenzó la vigencia de un contrato: su primer día, hora de Chile (enviado ese día; si el portal estuvo detenido, al volver, dentro de los días de recuperación).');

export const ContractEndingData = z
  .object({
    contract: WebhookContract.extend({ endsOn: Day.describe('Último día de vigencia (incluido).') }),
    customer: WebhookCustomer,
    daysLeft: z.number().int().min(0).describe('Días que faltan para el último día de vigencia (30 o menos; 0 = hoy es el último día).'),
  })
  .describe('Un contrato vigente termina dentro de 30 días o menos. Una vez por contrato y fecha de término.');

export const ContractEndedData = z
  .object({
    contract: WebhookContract.extend({ endsOn: Day.describe('Último día de vigencia (incluido); el día siguiente ya no está vigente.') }),
    customer: WebhookCustomer,
  })
  .describe('Un contrato dejó de estar vigente: pasó su último día, o se le puso un término que ya pasó. Una vez por contrato y fecha de término.');

export const UserCreatedData = z
  .object({
    user: WebhookUser.extend({ createdAt: Instant.describe('Cuándo se creó.') }),
    customer: WebhookCustomer,
  })
  .describe('Se creó un usuario de un cliente (su administrador al crear el cliente, otro administrador, o un usuario técnico). Sus credenciales le llegan por correo; no vienen aquí.');

export const UserDisabledData = z
  .object({
    user: WebhookUser.extend({ disabledAt: Instant.describe('Cuándo se deshabilitó.') }),
    customer: WebhookCustomer,
  })
  .describe('Se deshabilitó un usuario de un cliente: sus sesiones terminaron.');

export const ArticlePublishedData = z
  .object({
    article: z.object({
      id: z.string().describe('Identificador del artículo (UUID).'),
      slug: z.string().describe('Parte final de su dirección.'),
      title: z.string().describe('Título.'),
      summary: z.string().describe('Resumen.'),
      version: z.number().int().positive().describe('Número de la versión publicada (1 la primera vez).'),
      path: z.string().describe('Ruta del artículo en el portal (/ayuda/<sistema>/<slug>); se lee con sesión de un cliente que tenga el sistema.'),
      publishedAt: Instant.describe('Cuándo se publicó.'),
    }),
    system: WebhookSystem,
  })
  .describe('Se publicó un artículo de la ayuda en línea (nuevo o una versión nueva), a mano o programado.');

/** The schema of each event type's `data`. */
export const WEBHOOK_PAYLOAD_SCHEMAS = {
  'customer.created': CustomerCreatedData,
  'customer.disabled': CustomerDisabledData,
  'contract.created': ContractCreatedData,
  'contract.started': ContractStartedData,
  'contract.ending': ContractEndingData,
  'contract.ended': ContractEndedData,
  'user.created': UserCreatedData,
  'user.disabled': UserDisabledData,
  'article.published': ArticlePublishedData,
} as const satisfies Record<WebhookEventType, z.ZodType>;

export type WebhookData = { [K in WebhookEventType]: z.output<(typeof WEBHOOK_PAYLOAD_SCHEMAS)[K]> };

/** The whole JSON body a receiver gets: the event's type, when it happened, and its data. */
export function webhookBodySchema<T extends WebhookEventType>(type: T) {
  return z
    .object({
      type: z.literal(type).describe('Tipo de evento.'),
      timestamp: Instant.describe('Cuándo ocurrió el evento (no cuándo se envió: un reintento lleva el mismo).'),
      data: WEBHOOK_PAYLOAD_SCHEMAS[type],
    })
    .describe(`Cuerpo JSON del evento ${type}. Encabezados: webhook-id (el mismo en cada reintento), webhook-timestamp y webhook-signature (Standard Webhooks).`);
}
