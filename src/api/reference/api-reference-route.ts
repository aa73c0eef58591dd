import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Config } from '../../config.ts';
import type { AppEnv } from '../../web/env.ts';
import { htmlBytesResponse } from '../../web/html-response.ts';
import { openApiDocument } from '../openapi-document.ts';
import { BURST_WINDOW_SECONDS } from '../rate-limit/api-rate-limiter.ts';
import { renderApiReference } from './api-reference-page.tsx';
import type { OpenApiDocumentShape } from './openapi-shape.ts';

// The document is fixed once the app is built, so the page is too: rendered on the first request, per app and configuration (brand, limits).
const pages = new WeakMap<object, WeakMap<Config, Buffer<ArrayBuffer>>>();

/**
 * GET /api/v1/docs: the reference page, public like the document it is
 * rendered from (nothing in it is a secret; a client's developer reads it
 * before having a token). Read on request, not at registration, so every
 * operation registered after this route is on it.
 */
export function apiReferenceHandler(app: OpenAPIHono<AppEnv>) {
  return (c: Context<AppEnv>) => {
    const config = c.get('deps').config;
    let byConfig = pages.get(app);
    if (!byConfig) pages.set(app, (byConfig = new WeakMap()));
    let bytes = byConfig.get(config);
    if (!bytes) {
      const limits = { ...config.apiRateLimit, burstWindowMinutes: BURST_WINDOW_SECONDS / 60 };
      bytes = Buffer.from(renderApiReference(openApiDocument(app) as OpenApiDocumentShape, config.brand, limits), 'utf8');
      byConfig.set(config, bytes);
    }
    return htmlBytesResponse(c, bytes);
  };
}
