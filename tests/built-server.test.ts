import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../src/demo/seed-demo.ts';
import { freePort } from './free-port.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

// What `npm start` runs since decision 0025: the bundle dist/server.js on plain
// node, no TypeScript loader. The paths the bundle must still find (public/,
// content/help/, the hashing thread beside it) and the bundled packages (pg,
// nodemailer, zod, kysely…) are exercised through a real process: demo data
// loaded from content/help, a stylesheet, a sign-in hashed on the worker thread.

const dir = mkdtempSync(join(tmpdir(), 'portal-built-'));
const children = new Set<ChildProcess>();
let database: TestDatabase;
let databaseUrl: string;

beforeAll(async () => {
  // The build npm start runs first (prestart); it writes dist/ in place of an older build.
  execFileSync(process.execPath, ['scripts/build-server.js'], { stdio: 'pipe' });
  database = await createTestDatabase('built');
  databaseUrl = database.schema
    ? `${database.url}${database.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${database.schema}`)}`
    : join(dir, 'portal.sqlite');
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  await database?.drop();
});

async function startBuilt(): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server.js'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'development', SMTP_URL: '', DEMO_DATA: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  while (!output.includes('portal listening')) {
    if (child.exitCode !== null) throw new Error(`the built server exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`the built server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, base: `http://127.0.0.1:${port}`, output: () => output };
}

async function stopped(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('the built server (dist/server.js)', () => {
  it('is one module that loads no TypeScript loader and keeps the native addons external', () => {
    const bundle = readFileSync('dist/server.js', 'utf8');
    expect(bundle).not.toMatch(/from\s*["']tsx/);
    expect(bundle).toMatch(/from\s*["']better-sqlite3["']/);
    expect(bundle).toContain('//# sourceMappingURL=server.js.map');
    expect(JSON.parse(readFileSync('dist/server.js.map', 'utf8')).sources.some((s: string) => s.endsWith('src/server.ts'))).toBe(true);
  });

  it('starts on an empty database with demo data, serves pages, static files and help, signs in, and stops on SIGTERM', async () => {
    const { child, base, output } = await startBuilt();
    expect(output()).toContain('Datos de demostración cargados');

    const health = await fetch(`${base}/salud`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: database.schema ? 'postgres' : 'sqlite' });

    const page = await fetch(`${base}/ingresar`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="rut"');
    // public/ from dist/: the stylesheet is the file on disk, byte for byte.
    const css = await fetch(`${base}/static/styles.css`);
    expect(css.status).toBe(200);
    expect(Buffer.from(await css.arrayBuffer()).equals(readFileSync('public/styles.css'))).toBe(true);

    // A real sign-in: argon2id on the hashing thread the bundle starts from dist/hash-worker.mjs.
    const csrf = randomBytes(32).toString('base64url');
    const signedIn = await fetch(`${base}/ingresar`, {
      method: 'POST',
      headers: { cookie: `csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, rut: DEMO.rut, email: DEMO.admin.email, password: DEMO.admin.password }).toString(),
      redirect: 'manual',
    });
    expect(signedIn.status).toBe(303);
    const sid = /(?:^|,\s*)sid=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')?.[1];
    expect(sid).toBeTruthy();
    // The help seeded from content/help/ (found from dist/ through the project root).
    const help = await fetch(`${base}/ayuda/contabilidad/cierre-mensual`, { headers: { cookie: `sid=${sid}; csrf=${csrf}` } });
    expect(help.status).toBe(200);
    expect(await help.text()).toContain('<h1');

    expect(await stopped(child)).toBe(0);
    expect(output()).toContain('stopped');
  });

  it('starts again on the database it left (no demo data twice) and answers /salud', async () => {
    const { child, base, output } = await startBuilt();
    expect(output()).not.toContain('Datos de demostración cargados');
    const health = await fetch(`${base}/salud`);
    expect(health.status).toBe(200);
    expect((await fetch(`${base}/ingresar`)).status).toBe(200);
    expect(await stopped(child)).toBe(0);
  });
});
