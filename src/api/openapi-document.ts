import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { WEBHOOK_EVENT_LABEL, WEBHOOK_EVENT_TYPES } from '../webhooks/webhook-events.ts';
import { WEBHOOK_PAYLOAD_SCHEMAS, webhookBodySchema } from '../webhooks/webhook-payloads.ts';
import type { AppEnv } from '../web/env.ts';
import { API_SCOPE_LABEL, API_SCOPES } from './api-scopes.ts';

const documents = new WeakMap<object, unknown>();

/** Standard Webhooks' headers, on every delivery (webhooks/webhook-signature.ts). */
const WebhookHeaders = z.object({
  'webhook-id': z.string().describe('Identificador del evento (`msg_…`): el mismo en cada reintento. Descarte uno que ya procesó.'),
  'webhook-timestamp': z.string().describe('Segundos Unix de este envío. Rechace uno de hace más de unos minutos.'),
  'webhook-signature': z
    .string()
    .describe('`v1,` y el HMAC-SHA256 en base64 de `webhook-id.webhook-timestamp.cuerpo`, con los bytes del secreto del endpoint (el base64 tras `whsec_`) como clave.'),
});

/**
 * The events the portal POSTs to the vendor's endpoints, as the document's
 * `webhooks` (OpenAPI 3.1): one per event type, its body the schema the
 * emitter's payloads are checked against (webhooks/webhook-payloads.ts).
 */
function registerWebhooks(app: OpenAPIHono<AppEnv>): void {
  for (const type of WEBHOOK_EVENT_TYPES) {
    app.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      summary: WEBHOOK_EVENT_LABEL[type],
      description: WEBHOOK_PAYLOAD_SCHEMAS[type].description,
      request: { headers: WebhookHeaders, body: { required: true, content: { 'application/json': { schema: webhookBodySchema(type) } } } },
      responses: {
        200: { description: 'Recibido: cualquier respuesta 2xx, pronto (en segundos). Otra respuesta, o ninguna, es un intento fallido que se reintenta más tarde.' },
      },
    });
  }
}

/** The OpenAPI 3.1 document of /api/v1, generated once from the routes' zod schemas. */
export function openApiDocument(app: OpenAPIHono<AppEnv>): unknown {
  const known = documents.get(app);
  if (known) return known;
  registerWebhooks(app);
  const doc = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Mi Portal: API de aprovisionamiento',
      version: '1.0.0',
      description:
        'Clientes, contratos y usuarios del portal, para el sistema de facturación o CRM del proveedor. ' +
        'Autenticación con un token de la consola (`Authorization: Bearer mpt_…`); cada operación pide un permiso. ' +
        'Errores como `application/problem+json` (RFC 9457).',
    },
    servers: [{ url: '/api/v1' }],
  });
  doc.components = {
    ...doc.components,
    securitySchemes: {
      bearerToken: {
        type: 'http',
        scheme: 'bearer',
        description: `Un token creado en la consola o con \`portal api-token create\`. Permisos: ${API_SCOPES.map((s) => `\`${s}\` (${API_SCOPE_LABEL[s]})`).join('; ')}.`,
      },
    },
  };
  documents.set(app, doc);
  return doc;
}
