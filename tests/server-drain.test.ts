import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO } from '../src/demo/seed-demo.ts';
import { freePort } from './free-port.ts';
import { cookie, send, signInDemoAdmin, type RawAnswer } from './raw-http.ts';

// SIGTERM on a real server process under keep-alive load: nobody's request is
// reset, every answer from then on says Connection: close, /salud says 503,
// and the process is gone long before the 10 s deadline.

const dir = mkdtempSync(join(tmpdir(), 'portal-drain-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});


async function startServer(env: Record<string, string> = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, DATABASE_URL: join(dir, `portal-${port}.sqlite`), PORT: String(port), LOG_LEVEL: 'info', NODE_ENV: 'development', SMTP_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!output.includes('portal listening')) {
    if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, child, exited, log: () => output };
}

describe('SIGTERM drain', () => {
  it('under keep-alive load: zero resets, Connection: close on every answer after the signal, /salud 503, exit well before the deadline', async () => {
    const { port, child, exited, log } = await startServer();
    const setup = new Agent({ keepAlive: true });
    // A signed-in person, so /servicios is answered by the page cache (straight from node:http).
    const session = await signInDemoAdmin(setup, port);
    expect((await send(setup, port, '/servicios', { headers: { cookie: session } })).status).toBe(200);
    setup.destroy();

    const paths = ['/salud', '/servicios', '/ingresar', '/ayuda', '/servicios', '/salud'];
    let signalAt = Infinity;
    const answers: Array<RawAnswer & { path: string; sentAt: number }> = [];
    const failures: Array<{ code: string; sentAt: number }> = [];
    const workers = Array.from({ length: 8 }, async (_, w) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; performance.now() < signalAt + 4_000; i++) {
        const path = paths[(w + i) % paths.length]!;
        const sentAt = performance.now();
        try {
          const a = await send(agent, port, path, { headers: { cookie: session } });
          answers.push({ ...a, path, sentAt });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code ?? String(e);
          failures.push({ code, sentAt });
          // The listener is closed: this worker is done (a balancer would have sent it elsewhere).
          if (code === 'ECONNREFUSED') break;
        }
      }
      agent.destroy();
    });

    await new Promise((r) => setTimeout(r, 1_000));
    // In flight when the signal comes: a sign-in (argon2 takes tens of ms), and a kept-alive idle connection.
    const probe = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await send(probe, port, '/ingresar')).connection).toBe('keep-alive');
    const cachedProbe = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await send(cachedProbe, port, '/servicios', { headers: { cookie: session } })).connection).toBe('keep-alive');
    // The sign-in's body arrives only after the signal: the request is surely in flight, its answer not begun.
    const slow = new Agent({ keepAlive: true });
    const form2 = await send(slow, port, '/ingresar');
    const csrf2 = cookie(form2.setCookie, 'csrf')!;
    const body = new URLSearchParams({ _csrf: csrf2, rut: DEMO.rut, email: DEMO.admin.email, password: DEMO.admin.password }).toString();
    let finishBody!: () => void;
    const inFlight = new Promise<RawAnswer>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/ingresar', method: 'POST', agent: slow, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), cookie: `csrf=${csrf2}` } },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, retryAfter: undefined, body: '', setCookie: [], reused: req.reusedSocket }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      finishBody = () => req.end(body.slice(10));
    });
    await new Promise((r) => setTimeout(r, 50));
    const before = answers.length;
    signalAt = performance.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 30));
    // The idle connection is still open (the grace), and what it asks now is answered: 503, and close.
    const health = await send(probe, port, '/salud');
    const hitsBefore = log().split('"cache":"hit"').length;
    const cached = await send(cachedProbe, port, '/servicios', { headers: { cookie: session } });
    for (let i = 0; i < 20 && log().split('"cache":"hit"').length === hitsBefore; i++) await new Promise((r) => setTimeout(r, 25));
    const cachedWasHit = log().split('"cache":"hit"').length > hitsBefore;
    finishBody();
    const signedIn = await inFlight;
    const code = await exited;
    const exitMs = performance.now() - signalAt;
    await Promise.all(workers);
    probe.destroy();
    cachedProbe.destroy();
    slow.destroy();

    const afterSignal = answers.slice(before);
    const resets = failures.filter((f) => f.code !== 'ECONNREFUSED');
    const summary = {
      answeredBeforeSignal: before,
      answeredAfterSignal: afterSignal.length,
      withConnectionClose: afterSignal.filter((a) => a.connection === 'close').length,
      refused: failures.length - resets.length,
      resets: resets.length,
      exitMs: Math.round(exitMs),
    };
    console.info(`drain: ${JSON.stringify(summary)}`);

    expect(code).toBe(0);
    expect(resets).toEqual([]);
    expect(before).toBeGreaterThan(50);
    expect(health.reused).toBe(true);
    expect(health.status).toBe(503);
    expect(health.connection).toBe('close');
    expect(JSON.parse(health.body)).toMatchObject({ status: 'draining' });
    // The page cache answers straight from node:http: it says close too.
    expect(cachedWasHit).toBe(true);
    expect(cached.status).toBe(200);
    expect(cached.reused).toBe(true);
    expect(cached.connection).toBe('close');
    // Begun before the signal, answered after it: finished, and told to close.
    expect(signedIn.status).toBe(303);
    expect(signedIn.connection).toBe('close');
    // Each load connection's answers after the signal end with one that says close (the next attempt is refused).
    expect(summary.withConnectionClose).toBeGreaterThan(0);
    expect(exitMs).toBeLessThan(4_000);
    expect(log()).toContain('"cut":0');
    expect(log()).toContain('stopped');
  });

  it('a request that stalls its body is answered 408 after REQUEST_TIMEOUT_SECONDS and logged at info; SIGTERM does not wait for an idle client', async () => {
    const { port, child, exited, log } = await startServer({ REQUEST_TIMEOUT_SECONDS: '2', HEADERS_TIMEOUT_SECONDS: '1' });
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (d) => (reply += d));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const started = performance.now();
    socket.write('POST /ingresar HTTP/1.1\r\nHost: portal\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nrut=1');
    await closed;
    const ms = performance.now() - started;
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThan(1_500);
    expect(ms).toBeLessThan(4_500);
    for (let i = 0; i < 40 && !log().includes('ERR_HTTP_REQUEST_TIMEOUT'); i++) await new Promise((r) => setTimeout(r, 50));
    const line = log().split('\n').find((l) => l.includes('ERR_HTTP_REQUEST_TIMEOUT'));
    expect(JSON.parse(line!)).toMatchObject({ level: 30, code: 'ERR_HTTP_REQUEST_TIMEOUT' });
    expect(log()).not.toContain('"level":50');

    // An idle keep-alive connection, and a signal: it is closed after the idle grace, not at the 10 s deadline.
    const idle = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => idle.on('connect', () => resolve()));
    const signalAt = performance.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(performance.now() - signalAt).toBeLessThan(3_000);
    idle.destroy();
  });
});
