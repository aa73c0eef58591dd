import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../web/env.ts';
import { readAtMost } from '../web/request-body.ts';
import { problem } from './problem.ts';

/** The largest request body the API takes: a customer with its administrator is a few hundred bytes. */
export const API_BODY_LIMIT = 64 * 1024;

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Reads a write's body once, before validation: JSON in UTF-8 only (415
 * otherwise), at most API_BODY_LIMIT (413, counted while it streams, so a
 * chunked body cannot go past it), parseable (400). The text is left where
 * Hono's validator reads it (bodyCache) and in `apiBody` for the
 * idempotency check. A GET's body is ignored.
 */
export const apiBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('apiBody', '');
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return next();
  const declared = c.req.header('content-length');
  // HTTP/1.1 has a body only with Content-Length or Transfer-Encoding (RFC 9112 §6.3): a DELETE sent by curl or fetch has
  // neither, nor a Content-Type, yet the server hands it an (empty) stream; that is no body, not a non-JSON one. A
  // Content-Type without framing is still checked (and an empty JSON body read as {}), as before.
  const framed = declared !== undefined || c.req.header('transfer-encoding') !== undefined;
  const hasBody = c.req.raw.body !== null && declared !== '0' && (framed || c.req.header('content-type') !== undefined);
  if (!hasBody) {
    // No body at all: the validator reads an empty object, so a write that needs fields answers 422 naming each one
    // (left alone, Hono's JSON reader throws on "" and the call ended as a 500).
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve('{}');
    return next();
  }
  const [essence, ...params] = (c.req.header('content-type') ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/^"(.*)"$/, '$1');
  if (!essence || !JSON_TYPE.test(essence) || (charset !== undefined && charset !== 'utf-8')) {
    return problem(c, 415, 'unsupported-media-type', 'La API recibe JSON en UTF-8: envíe Content-Type: application/json.');
  }
  const encoding = c.req.header('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') return problem(c, 415, 'unsupported-media-type', 'La API no acepta cuerpos comprimidos (Content-Encoding).');
  if (declared !== undefined && Number(declared) > API_BODY_LIMIT) return tooLarge(c);
  const bytes = await readAtMost(c.req.raw.body, API_BODY_LIMIT).catch(() => 'broken' as const);
  if (bytes === 'too-large') return tooLarge(c);
  if (bytes === 'broken') return problem(c, 400, 'malformed-body', 'El cuerpo de la solicitud llegó incompleto.');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    if (text.trim() !== '') JSON.parse(text);
  } catch {
    return problem(c, 400, 'malformed-json', 'El cuerpo no es JSON válido en UTF-8.');
  }
  // Where c.req.json() (and so the zod validator) reads it: the stream is already consumed.
  // (Hono types the cache as values; it holds promises of them.)
  (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text.trim() === '' ? '{}' : text);
  c.set('apiBody', text);
  return next();
};

function tooLarge(c: Parameters<MiddlewareHandler<AppEnv>>[0]) {
  c.header('Connection', 'close');
  return problem(c, 413, 'body-too-large', `El cuerpo supera los ${API_BODY_LIMIT / 1024} KiB que acepta la API.`);
}
