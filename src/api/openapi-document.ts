import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../web/env.ts';
import { API_SCOPE_LABEL, API_SCOPES } from './api-scopes.ts';

const documents = new WeakMap<object, unknown>();

/** The OpenAPI 3.1 document of /api/v1, generated once from the routes' zod schemas. */
export function openApiDocument(app: OpenAPIHono<AppEnv>): unknown {
  const known = documents.get(app);
  if (known) return known;
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
