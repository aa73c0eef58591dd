import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';

// `npm start` as a newcomer runs it: a real process on an empty database.

const dir = mkdtempSync(join(tmpdir(), 'portal-start-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});


describe('server process', () => {
  it('migrates an empty database, loads demo data, serves, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, DATABASE_URL: join(dir, 'portal.sqlite'), PORT: String(port), LOG_LEVEL: 'info', NODE_ENV: 'development', SMTP_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 20_000;
    while (!output.includes('portal listening')) {
      if (Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain('Datos de demostración cargados');
    expect(output).toContain('76.543.210-3');
    const health = await fetch(`http://127.0.0.1:${port}/salud`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'sqlite' });
    // Every log line is JSON and carries the request id (the line may reach the pipe just after the answer).
    for (let i = 0; i < 50 && !output.includes('"path":"/salud"'); i++) await new Promise((r) => setTimeout(r, 100));
    const requestLine = output.split('\n').find((l) => l.includes('"path":"/salud"'));
    expect(JSON.parse(requestLine!)).toHaveProperty('requestId');

    const signIn = await fetch(`http://127.0.0.1:${port}/ingresar`);
    expect(signIn.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stopped');
  });

  it('refuses to start with a bad configuration, saying which variable is wrong', async () => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, PORT: 'no-es-puerto', DATABASE_URL: join(dir, 'x.sqlite') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => p.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain('PORT');
  });
});
