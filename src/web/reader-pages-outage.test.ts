import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { createApp } from '../app.ts';
import { createDb, type Db } from '../db/create-db.ts';
import { portalListener } from './portal-listener.ts';

// PostgreSQL that accepts connections and never answers (a hung server, a
// network that drops packets): every ask waits the pool's connect timeout.
// A reader page meets it ahead of the framework; the framework must answer
// the 503 without waiting it a second time.

const CONNECT_TIMEOUT_MS = 800;
let rt: TestRuntime;
let hung: TcpServer;
const sockets: Socket[] = [];
let broken: Db;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  hung = createTcpServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  broken = createDb(`postgres://postgres@127.0.0.1:${(hung.address() as { port: number }).port}/portal`, { connectTimeoutMs: CONNECT_TIMEOUT_MS });
  const deps = { ...rt.deps, db: broken.db, dialect: 'postgres' as const };
  const server = createServer(portalListener(deps, createApp(deps)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
});
afterAll(async () => {
  await close?.();
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => hung.close(() => resolve()));
  await broken?.close().catch(() => undefined);
  await rt?.close();
});

describe('reader pages while the database hangs', () => {
  it.each(['/servicios', '/ayuda/contabilidad/cierre-mensual'])('%s answers 503 with Retry-After after one connect timeout, not two', async (path) => {
    const started = performance.now();
    const res = await fetch(base + path, { headers: { cookie: `sid=una-sesion-cualquiera; csrf=${'a'.repeat(43)}` }, redirect: 'manual' });
    const ms = performance.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.text()).toContain('No pudimos conectar con la base de datos');
    expect(ms).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 50);
    expect(ms, 'waited the connect timeout twice').toBeLessThan(1.8 * CONNECT_TIMEOUT_MS);
  });
});
