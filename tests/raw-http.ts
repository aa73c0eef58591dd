import { Agent, request } from 'node:http';
import { expect } from 'vitest';
import { DEMO } from '../src/demo/seed-demo.ts';

/**
 * Requests over node:http to a portal process a test started: the answer as
 * the wire had it (Connection, Retry-After, Set-Cookie, whether the socket
 * was a kept-alive one reused), which fetch hides.
 */
export interface RawAnswer {
  status: number;
  connection: string | undefined;
  retryAfter: string | undefined;
  body: string;
  setCookie: string[];
  /** Sent on a kept-alive connection that had answered before. */
  reused: boolean;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Give up (an error) when the socket is silent this long. */
  timeoutMs?: number;
}

export function send(agent: Agent, port: number, path: string, opts: SendOptions = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', agent, headers: opts.headers, ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          connection: res.headers.connection,
          retryAfter: res.headers['retry-after'] as string | undefined,
          body,
          setCookie: res.headers['set-cookie'] ?? [],
          reused: req.reusedSocket,
        }),
      );
      res.on('error', reject);
    });
    if (opts.timeoutMs) req.on('timeout', () => req.destroy(new Error(`no answer in ${opts.timeoutMs! / 1000} s`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const cookie = (set: string[], name: string) => set.map((l) => l.split(';')[0]!).find((p) => p.startsWith(`${name}=`))?.slice(name.length + 1);

/** Signs the demo administrator in through the form; returns the Cookie header of the session. */
export async function signInDemoAdmin(agent: Agent, port: number): Promise<string> {
  const form = await send(agent, port, '/ingresar');
  const csrf = cookie(form.setCookie, 'csrf')!;
  const signIn = await send(agent, port, '/ingresar', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrf=${csrf}` },
    body: new URLSearchParams({ _csrf: csrf, rut: DEMO.rut, email: DEMO.admin.email, password: DEMO.admin.password }).toString(),
  });
  expect(signIn.status).toBe(303);
  return `csrf=${csrf}; sid=${cookie(signIn.setCookie, 'sid')}`;
}
