import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kysely } from 'kysely';
import { createDb } from '../src/db/create-db.ts';
import type { Database } from '../src/db/schema.ts';
import { freePort } from './free-port.ts';
import { RoundRobinProxy } from './round-robin-proxy.ts';
import { SmtpPeer } from './smtp-peer.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/**
 * N real portal processes (`node dist/server.js`, what `npm start` runs, built
 * from the source once per test file: plain node starts in a fraction of the
 * time the tsx loader takes, and process start is most of these tests' time)
 * on one PostgreSQL schema, each on its own free
 * port, with the demo data, mail to a real SMTP receiver in the test
 * process, and a round-robin proxy in front (PUBLIC_URL is the proxy's, as
 * it would be nginx's). PostgreSQL only: several processes on one SQLite
 * file is not a setup the portal supports for serving.
 *
 * The schema is chosen by DATABASE_URL alone (`?options=-c search_path=…`,
 * which pg hands to the server at connect), the way an operator could
 * configure it: the processes get no test-only setting.
 */
export interface PortalInstance {
  label: string;
  port: number;
  url: string;
  pid: number;
  alive: boolean;
  /** Everything the process wrote (JSON log lines, the demo banner). */
  output(): string;
  /** SIGKILL (or another signal); resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface PortalInstances {
  instances: PortalInstance[];
  proxy: RoundRobinProxy;
  smtp: SmtpPeer;
  /** The test's own connection to the instances' schema, for looking at what they wrote. */
  db: Kysely<Database>;
  /** DATABASE_URL as the instances got it, and the schema it names. */
  databaseUrl: string;
  schema: string;
  /** Start one more instance on the same schema (not behind the proxy unless added to it). */
  startInstance(label: string, env?: Record<string, string>): Promise<PortalInstance>;
  close(): Promise<void>;
}

/** The newest modification time under `path` (a file or a folder), in ms. */
function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * dist/ built from the source as it is now, once per test file, and only when
 * something it is built from is newer than dist/server.js (make's rule: the
 * build costs seconds on a loaded machine, and another test file or `npm
 * start` may have just done it). The build writes each file by rename: a
 * running instance never reads half of one.
 */
let built: Promise<unknown> | undefined;
export function buildServer(): Promise<unknown> {
  const stale = () => !existsSync('dist/server.js') || newest('src') > statSync('dist/server.js').mtimeMs || ['scripts/build-server.js', 'package-lock.json', 'tsconfig.json'].some((f) => newest(f) > statSync('dist/server.js').mtimeMs);
  return (built ??= stale() ? promisify(execFile)(process.execPath, ['scripts/build-server.js']) : Promise.resolve());
}

/** DATABASE_URL with the search_path for `schema` in pg's `options` parameter. */
export function urlWithSchema(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

export async function startPortalInstances(
  n: number,
  // database / smtp: the caller's, prepared before the first instance starts (it keeps them: close() leaves them alone).
  // publicUrl: another proxy's address in front (real nginx, by hand), with proxy: false.
  opts: { env?: Record<string, string>; proxy?: boolean; publicUrl?: string; startTimeoutMs?: number; database?: TestDatabase; smtp?: SmtpPeer } = {},
): Promise<PortalInstances> {
  const base = process.env.DATABASE_URL;
  if (!base?.startsWith('postgres')) throw new Error('portal instances need DATABASE_URL=postgres://…');
  const database = opts.database ?? (await createTestDatabase('inst'));
  const databaseUrl = urlWithSchema(base, database.schema!);
  const smtp = opts.smtp ?? new SmtpPeer();
  const smtpUrl = opts.smtp ? `smtp://127.0.0.1:${smtp.port}` : await smtp.start();
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  const proxy = new RoundRobinProxy(ports.map((port, i) => ({ label: `i${i + 1}`, port })));
  const publicUrl = opts.proxy === false ? (opts.publicUrl ?? `http://127.0.0.1:${ports[0]}`) : await proxy.start();
  const children: ChildProcess[] = [];
  await buildServer();

  async function startInstance(label: string, env: Record<string, string> = {}, port?: number): Promise<PortalInstance> {
    const p = port ?? (await freePort());
    const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server.js'], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        PORT: String(p),
        HOST: '127.0.0.1',
        PUBLIC_URL: publicUrl,
        SMTP_URL: smtpUrl,
        DEMO_DATA: 'true',
        TRUST_PROXY: 'true',
        LOG_LEVEL: 'info',
        // Two cores shared by the whole suite: one hash at a time, a small pool each.
        PASSWORD_HASH_CONCURRENCY: '1',
        DATABASE_POOL_SIZE: '4',
        // A killed instance's jobs and mail are taken over after 6 s, not a minute.
        JOB_LEASE_SECONDS: '6',
        SMTP_TIMEOUT_SECONDS: '3',
        ...opts.env,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const instance: PortalInstance = {
      label,
      port: p,
      url: `http://127.0.0.1:${p}`,
      pid: child.pid!,
      alive: true,
      output: () => output,
      async kill(signal = 'SIGKILL') {
        instance.alive = false;
        child.kill(signal);
        await exited;
      },
    };
    void exited.then(() => (instance.alive = false));
    const deadline = Date.now() + (opts.startTimeoutMs ?? 40_000);
    while (!output.includes('portal listening')) {
      if (!instance.alive || Date.now() > deadline) throw new Error(`instance ${label} did not start:\n${output.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (process.env.DEBUG_INSTANCES) process.stdout.write(`instance ${label} listening after ${Date.now() - (deadline - (opts.startTimeoutMs ?? 40_000))} ms\n`);
    return instance;
  }

  const { db, close: closeDb } = createDb(databaseUrl, { poolSize: 2 });
  const instances: PortalInstance[] = [];
  try {
    // The first alone: it migrates and loads the demo data; the others find both done.
    instances.push(await startInstance('i1', {}, ports[0]));
    instances.push(...(await Promise.all(ports.slice(1).map((port, i) => startInstance(`i${i + 2}`, {}, port)))));
  } catch (err) {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all([proxy.stop(), opts.smtp ? undefined : smtp.stop(), closeDb()]);
    if (!opts.database) await database.drop();
    throw err;
  }
  return {
    instances,
    proxy,
    smtp,
    db,
    databaseUrl,
    schema: database.schema!,
    startInstance: (label, env) => startInstance(label, env),
    async close() {
      await Promise.all(
        children.map((c) =>
          c.exitCode !== null || c.signalCode !== null ? undefined : new Promise<void>((resolve) => (c.once('exit', () => resolve()), c.kill('SIGKILL'))),
        ),
      );
      await proxy.stop();
      if (!opts.smtp) await smtp.stop();
      await closeDb();
      if (!opts.database) await database.drop();
    },
  };
}
