import type { Context } from 'hono';
import { bodyTooLarge, malformedBody, unsupportedBody } from '../errors.ts';
import type { AppEnv } from './env.ts';

/**
 * What a POST may carry, checked before a byte of it is read: the portal's
 * forms post `application/x-www-form-urlencoded` in UTF-8 and nothing else
 * (multipart is refused outright rather than parsed, except on the one
 * route given a LargeBodyRule: the CSV import), and the largest of them (a help vote's 1,000-character comment, a
 * list of systems) is a few kilobytes. Anything else is a client that is not
 * one of our pages: 415 for another format, 413 past the limit (declared in
 * Content-Length or counted while the body streams in, chunked bodies
 * included), 400 for a body that is not UTF-8 or stops half-way.
 */
export const FORM_BODY_LIMIT = 64 * 1024;

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A file sent with multipart/form-data, where a route allows it: its name as the browser gave it, and its bytes. */
export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * Where one route takes more than the usual form (the CSV import): its own
 * limit, for a urlencoded body and for multipart/form-data, which is
 * accepted there and nowhere else.
 */
export interface LargeBodyRule {
  maxBytes: number;
  multipart: boolean;
}

export async function readForm(c: Context<AppEnv>, rule?: LargeBodyRule): Promise<{ form: URLSearchParams; files: Map<string, UploadedFile> }> {
  const contentType = c.req.header('content-type') ?? '';
  const [essence, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/^"(.*)"$/, '$1');
  const multipart = rule?.multipart === true && essence === 'multipart/form-data' && params.some((p) => p.startsWith('boundary='));
  if (!multipart && (essence !== FORM_TYPE || (charset !== undefined && charset !== 'utf-8'))) throw unsupportedBody();
  const encoding = c.req.header('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') throw unsupportedBody();

  const limit = rule?.maxBytes ?? FORM_BODY_LIMIT;
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(c);
  const bytes = await readAtMost(c.req.raw.body, limit);
  if (bytes === 'too-large') throw tooLarge(c);
  if (multipart) return readMultipart(bytes, contentType);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw malformedBody();
  }
  // URLSearchParams reads any text: a stray "%" stays as it is, never an exception.
  return { form: new URLSearchParams(text), files: new Map() };
}

/** A multipart body already read within its limit: text fields as a form, files by field name (empty file inputs left out). */
async function readMultipart(bytes: Uint8Array, contentType: string): Promise<{ form: URLSearchParams; files: Map<string, UploadedFile> }> {
  let parsed: FormData;
  try {
    parsed = await new Response(bytes as unknown as BodyInit, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw malformedBody();
  }
  const form = new URLSearchParams();
  const files = new Map<string, UploadedFile>();
  for (const [name, value] of parsed) {
    if (typeof value === 'string') form.append(name, value);
    else if (value.size > 0 || value.name) files.set(name, { name: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
  }
  return { form, files };
}

function tooLarge(c: Context<AppEnv>) {
  // The rest of the body is not wanted: end the connection after the answer instead of reading on.
  c.header('Connection', 'close');
  return bodyTooLarge();
}

/** The body, or 'too-large' as soon as it passes maxBytes (the stream is cancelled, not read to its end). */
export async function readAtMost(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array | 'too-large'> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        return 'too-large';
      }
      chunks.push(value);
    }
  } catch {
    // The client went away or broke the framing half-way: nothing to answer to, nothing to log as ours.
    throw malformedBody();
  }
  return Buffer.concat(chunks, size);
}
