import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';

// The same limits over a real socket, as the server runs: a 50 MB upload and
// an endless chunked one get their 413 at once, and neither the server nor
// the client moves more than a few socket buffers of it.

let rt: TestRuntime;
let server: Server;
let port: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  server = createServer(getRequestListener(rt.app.fetch));
  server.on('connection', (s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rt.close();
});

const MB = 1024 * 1024;

/** POST a generated body (`total` bytes, or without end) and report the answer and how much of the body was pulled. */
function upload(total: number | 'endless') {
  let pulled = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const body = new Readable({
    read() {
      if (total !== 'endless' && pulled >= total) return void this.push(null);
      pulled += chunk.length;
      this.push(chunk);
    },
  });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (total !== 'endless') headers['content-length'] = String(total);
  return new Promise<{ status: number; text: string; pulled: number; ms: number }>((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/ingresar', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        body.unpipe(req);
        req.destroy();
        resolve({ status: res.statusCode!, text, pulled, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    body.pipe(req);
  });
}

describe('request bodies over a socket', () => {
  it.each([
    ['a 50 MB body with its Content-Length', 50 * MB],
    ['an endless chunked body', 'endless' as const],
  ])('answers %s with 413 at once, reading a bounded part of it', async (_, total) => {
    const readBefore = sockets.reduce((n, s) => n + s.bytesRead, 0);
    const r = await upload(total);
    expect(r.status).toBe(413);
    expect(r.text).toContain('Lo enviado supera el tamaño que acepta este formulario');
    expect(r.ms).toBeLessThan(5_000);
    // The client fills the loopback socket buffers (a few MB); the server reads the
    // headers and the 64 KiB it looks at, a socket buffer or two (~200 KB seen).
    // The old code read all 50 MB, and kept them.
    expect(r.pulled).toBeLessThan(16 * MB);
    await new Promise((resolve) => setTimeout(resolve, 700)); // past @hono/node-server's drain of what is left
    expect(sockets.reduce((n, s) => n + s.bytesRead, 0) - readBefore).toBeLessThan(2 * MB);
  });
});
