import { oneLine } from '../domain/plain-text.ts';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkWebhookUrl, refusedAddress, type WebhookNetworkPolicy } from './webhook-url-policy.ts';

/** What one try got: the receiver's status (null: no answer) and, when it failed, why, in Spanish, for the console's log. */
export interface WebhookTry {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** Cut by `signal` (the worker stopping), not by the receiver or the timeout. */
  interrupted: boolean;
}

/** The most of a response body kept, and only in a failed try's error: enough to see "Bad Request: firma inválida", never a page. */
export const RESPONSE_EXCERPT_BYTES = 200;

class PolicyRefusal extends Error {}

/** dns.lookup, but an address the policy refuses is dropped, and none left is an error: checked on the address the socket dials. */
export function guardedLookup(policy: WebhookNetworkPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const allowed = addresses.filter((a) => refusedAddress(a.address, policy) === null);
      if (allowed.length === 0) {
        const why = addresses.length > 0 ? refusedAddress(addresses[0]!.address, policy) : 'sin direcciones';
        return callback(new PolicyRefusal(`${hostname} resuelve a una dirección no permitida: ${why}`), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof PolicyRefusal) return err.message;
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ETIMEDOUT_WEBHOOK':
      return `sin respuesta completa en ${Math.round(timeoutMs / 1000)} s (se cortó)`;
    case 'ECONNREFUSED':
      return 'conexión rechazada (ECONNREFUSED): nada escucha en esa dirección y puerto';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `no se encontró el servidor (${e.code})`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `el receptor cortó la conexión (${e.code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no hay ruta hasta el servidor (${e.code})`;
    default:
      if (typeof e?.code === 'string' && /CERT|SSL|TLS|SELF_SIGNED/i.test(e.code)) return `certificado TLS no válido (${e.code})`;
      return `error de red: ${String(e?.message ?? err).slice(0, 200)}`;
  }
}

/** At most `max` bytes of the body, as text; the rest is not read (the socket is closed after). */
async function excerpt(res: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= max) break;
  }
  // The receiver's words, as one printable line: a NUL in them cannot be stored in PostgreSQL text (the try would go unrecorded).
  return oneLine(Buffer.concat(chunks).subarray(0, max).toString('utf8'));
}

/**
 * POST `body` to `rawUrl` with `headers`, once: no redirect followed, the
 * whole exchange (connect, TLS, send, status line, the excerpt read) cut at
 * `timeoutMs`. 2xx is a success; anything else, including a 3xx, a
 * timeout or a refused address, is a failed try described for the log.
 */
export async function postWebhook(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  o: { timeoutMs: number; policy: WebhookNetworkPolicy; signal?: AbortSignal },
): Promise<WebhookTry> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  const checked = checkWebhookUrl(rawUrl, o.policy);
  if (!checked.ok) return { ok: false, status: null, error: `URL no permitida: ${checked.message}`, durationMs: 0, interrupted: false };
  const url = checked.url;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<WebhookTry>((resolve) => {
    let done = false;
    const finish = (t: Omit<WebhookTry, 'durationMs' | 'interrupted'>, interrupted = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve({ ...t, error: t.error === null ? null : oneLine(t.error), durationMs: took(), interrupted });
    };
    const req = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'MiPortal-Webhooks/1' },
      lookup: guardedLookup(o.policy),
      // Each try on a fresh connection: no socket kept between tries or endpoints.
      agent: false,
    });
    const timer = setTimeout(() => {
      const err: NodeJS.ErrnoException = new Error('timeout');
      err.code = 'ETIMEDOUT_WEBHOOK';
      finish({ ok: false, status: null, error: describeError(err, o.timeoutMs) });
    }, o.timeoutMs);
    timer.unref();
    const onAbort = () => finish({ ok: false, status: null, error: 'envío interrumpido: el portal se estaba deteniendo' }, true);
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish({ ok: false, status: null, error: describeError(err, o.timeoutMs) }));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        // Delivered once the status is in; the body is not waited for (a slow receiver's page does not hold the worker).
        res.resume();
        return finish({ ok: true, status, error: null });
      }
      const location = res.headers.location;
      excerpt(res, RESPONSE_EXCERPT_BYTES)
        .catch(() => '')
        .then((text) => {
          const what = status >= 300 && status < 400 ? `redirección${location ? ` a ${String(location).slice(0, 200)}` : ''} no seguida` : text;
          finish({ ok: false, status, error: `HTTP ${status}${what ? `: ${what}` : ''}` });
        });
    });
    req.end(body);
  });
}
