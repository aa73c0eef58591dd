import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Brand } from '../../config.ts';
import type { AppEnv } from '../../web/env.ts';
import { htmlBytesResponse } from '../../web/html-response.ts';
import { openApiDocument } from '../openapi-document.ts';
import { renderApiReference } from './api-reference-page.tsx';
import type { OpenApiDocumentShape } from './openapi-shape.ts';

// The document is fixed once the app is built, so the page is too: rendered on the first request, per app and brand.
const pages = new WeakMap<object, WeakMap<Brand, Buffer<ArrayBuffer>>>();

/**
 * GET /api/v1/docs: the reference page, public like the document it is
 * rendered from (nothing in it is a secret; a client's developer reads it
 * before having a token). Read on request, not at registration, so every
 * operation registered after this route is on it.
 */
export function apiReferenceHandler(app: OpenAPIHono<AppEnv>) {
  return (c: Context<AppEnv>) => {
    const brand = c.get('deps').config.brand;
    let byBrand = pages.get(app);
    if (!byBrand) pages.set(app, (byBrand = new WeakMap()));
    let bytes = byBrand.get(brand);
    if (!bytes) {
      bytes = Buffer.from(renderApiReference(openApiDocument(app) as OpenApiDocumentShape, brand), 'utf8');
      byBrand.set(brand, bytes);
    }
    return htmlBytesResponse(c, bytes);
  };
}
