import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Agent } from 'node:http';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../free-port.ts';
import { send as sendRaw, signInDemoAdmin, type SendOptions } from '../raw-http.ts';

// Restart the machine's PostgreSQL cluster under the portal while it serves.
// Not part of the suites (a restart cuts every other test's connections):
// vitest.faults.config.ts, its own step at the end of .ci/run. It always
// leaves the cluster running.

const run = promisify(execFile);
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = `portal_faults_${process.pid}`;
const version = readdirSync('/etc/postgresql')[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ready(): Promise<boolean> {
  try {
    await run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']);
    return true;
  } catch {
    return false;
  }
}

async function ensureClusterRunning(): Promise<void> {
  if (await ready()) return;
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']).catch(() => {});
  for (let i = 0; i < 60 && !(await ready()); i++) await sleep(500);
}

async function admin(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

// Every request here gives up after 10 s: a hang is a failure, not a slow test.
const send = (agent: Agent, port: number, path: string, opts: SendOptions = {}) => sendRaw(agent, port, path, { timeoutMs: 10_000, ...opts });

let child: ChildProcess | undefined;
afterAll(async () => {
  child?.kill('SIGKILL');
  await ensureClusterRunning();
  await admin(`drop database if exists ${DATABASE} with (force)`).catch(() => {});
}, 60_000);

describe('PostgreSQL restarts under load', () => {
  it('the portal lives through it: only 200 and 503 (with Retry-After) during the gap, and it is back within a second of pg_isready', async () => {
    await ensureClusterRunning();
    await admin(`drop database if exists ${DATABASE} with (force)`);
    await admin(`create database ${DATABASE}`);
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DATABASE}`, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development', SMTP_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    let exitCode: number | null | undefined;
    child.on('exit', (code) => (exitCode = code));
    for (let i = 0; !output.includes('Datos de demostración cargados'); i++) {
      if (i > 600 || exitCode !== undefined) throw new Error(`server did not start:\n${output}`);
      await sleep(50);
    }
    for (let i = 0; i < 100 && (await send(new Agent(), port, '/salud').catch(() => ({ status: 0 }))).status !== 200; i++) await sleep(100);

    // A signed-in person: /servicios reads the session, the user and the contracts.
    const setup = new Agent({ keepAlive: true });
    const session = await signInDemoAdmin(setup, port);
    setup.destroy();

    const paths = ['/salud', '/servicios', '/ayuda', '/ayuda/contabilidad'];
    const answers: Array<{ at: number; path: string; status: number; retryAfter: string | undefined; body: string }> = [];
    const failures: Array<{ at: number; path: string; error: string }> = [];
    let stopAt = Infinity;
    const workers = Array.from({ length: 6 }, async (_, w) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; performance.now() < stopAt; i++) {
        const path = paths[(w + i) % paths.length]!;
        try {
          const a = await send(agent, port, path, { headers: { cookie: session } });
          answers.push({ at: performance.now(), path, status: a.status, retryAfter: a.retryAfter, body: a.body });
        } catch (e) {
          failures.push({ at: performance.now(), path, error: String((e as Error).message) });
        }
        await sleep(5);
      }
      agent.destroy();
    });

    let restartStarted = 0;
    let restartReturned = 0;
    let readyAt = 0;
    try {
      await sleep(1_000);
      restartStarted = performance.now();
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
      restartReturned = performance.now();
      while (!(await ready())) await sleep(20);
      readyAt = performance.now();
      await sleep(3_000);
    } finally {
      stopAt = performance.now();
      await Promise.all(workers);
      await ensureClusterRunning();
    }

    const during = answers.filter((a) => a.at >= restartStarted && a.at <= readyAt);
    const count = (list: typeof answers, status: number) => list.filter((a) => a.status === status).length;
    const firstOkAfterReady = answers.find((a) => a.at >= readyAt && a.status === 200 && a.path !== '/salud');
    const lateFailures = answers.filter((a) => a.at > readyAt + 1_000 && a.status !== 200);
    const summary = {
      restartMs: Math.round(restartReturned - restartStarted),
      readyAfterStartMs: Math.round(readyAt - restartStarted),
      answers: answers.length,
      duringGap: { total: during.length, ok: count(during, 200), unavailable: count(during, 503) },
      statuses: [...new Set(answers.map((a) => a.status))].sort(),
      firstOkMsAfterReady: firstOkAfterReady ? Math.round(firstOkAfterReady.at - readyAt) : null,
      non200MoreThan1sAfterReady: lateFailures.length,
      transportFailures: failures.length,
    };
    console.info(`postgres restart: ${JSON.stringify(summary)}`);

    expect(exitCode, `the portal exited:\n${output}`).toBeUndefined();
    expect(failures).toEqual([]);
    expect(summary.statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(summary.duringGap.unavailable).toBeGreaterThan(0);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.retryAfter).toBeDefined();
      if (a.path !== '/salud') {
        expect(a.body).toContain('No pudimos conectar con la base de datos. Inténtelo de nuevo en unos segundos.');
        expect(a.body).not.toContain('inesperado');
      }
    }
    expect(summary.firstOkMsAfterReady).not.toBeNull();
    expect(summary.firstOkMsAfterReady!).toBeLessThan(1_000);
    expect(lateFailures).toEqual([]);
    // Errors in the log: none. A request's would be a 500; the outbox worker's failed passes
    // while the database is away are an outage, logged at warn, and it goes on at its next poll.
    const errors = output.split('\n').filter((l) => l.includes('"level":50') || l.includes('"level":60'));
    expect(errors).toEqual([]);
    expect(output).not.toContain('unhandled error');
    expect(output).not.toContain('Unhandled');

    // And it still stops cleanly.
    const exited = new Promise<number | null>((resolve) => child!.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
