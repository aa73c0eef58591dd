// CPU per request of the uncached pages (issue 10, "fast uncached pages"):
// the portal in a child process behind node:http as server.ts serves it
// (getRequestListener), PAGE_CACHE=false,
// ~200 signed-in sessions (administrators and technical users of several
// customers, some technical users limited to a few systems) reading ~300
// different articles round-robin, ten requests in flight, and the services
// page for the administrators, over keep-alive connections. Prints µs of the
// server process's CPU per request (process.cpuUsage: user + system; the
// load generator is this process, not counted), which is fair on a machine other
// programs load. Not the realistic bench (bench/many-readers*): a probe to
// compare before and after a change.
//
//   npx tsx bench/page-cpu.ts                        # SQLite file in a temp dir
//   DATABASE_URL=postgres://… npx tsx bench/page-cpu.ts   # a schema of its own, dropped after
//   PAGE_CPU_REQUESTS=6000 PAGE_CPU_PROFILE=1 …      # more requests; the server's .cpuprofile of each phase (in the temp dir)
//   PAGE_CPU_INPROCESS=1 …                            # app.fetch in this process, no sockets (see inProcess)
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Agent, request } from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import type { Deps } from '../src/deps.ts';
import type { AppEnv } from '../src/web/env.ts';
import { csrfProtection } from '../src/web/middleware/csrf.ts';
import { forcePasswordChange } from '../src/web/middleware/force-password-change.ts';
import { requestContext } from '../src/web/middleware/request-context.ts';
import { requireUser } from '../src/web/middleware/require-user.ts';
import { securityHeaders } from '../src/web/middleware/security-headers.ts';
import { sessionLoader } from '../src/web/middleware/session.ts';
import { createSession } from '../src/auth/session.ts';
import { boot } from '../src/boot.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { isPostgresUrl } from '../src/db/create-db.ts';
import { rutCheckDigit } from '../src/domain/rut.ts';
import { importHelpTree } from '../src/help/import/import-help-tree.ts';
import { generateCorpus, toHelpTree } from './help-corpus.ts';

const ARTICLES = Number(process.env.PAGE_CPU_ARTICLES ?? 300);
const CUSTOMERS = 10;
const USERS_PER_CUSTOMER = 20;
const REQUESTS = Number(process.env.PAGE_CPU_REQUESTS ?? 3000);
const IN_FLIGHT = 10;

function configFor(databaseUrl: string): Config {
  return loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'info',
    PUBLIC_URL: 'http://localhost',
    PAGE_CACHE: 'false',
    // Nothing is mailed (the outbox worker is not started); production wants the setting.
    SMTP_URL: 'smtp://127.0.0.1:2525',
  });
}

/**
 * The portal's request overhead without its handlers: the same middleware the
 * article page runs under (metrics, request context, security headers, CSRF
 * cookie, session lookup, forced password change, requireUser), then one
 * article page's bytes. Its CPU less the bare Hono app's is what the portal
 * adds per request; the article's less this one's is the page's own work.
 */
function chainApp(deps: Deps, body: string): Hono<AppEnv> {
  const chain = new Hono<AppEnv>();
  chain.use('*', deps.metrics.http.middleware());
  chain.use('*', requestContext(deps));
  chain.use('*', securityHeaders(deps.config.secureCookies));
  chain.use('*', csrfProtection);
  chain.use('*', sessionLoader);
  chain.use('*', forcePasswordChange);
  chain.get('/ayuda/:system/:article', requireUser('help:read'), (c) => c.html(body));
  return chain;
}

type ToServer = { cpu: true } | { profile: 'start' } | { profile: 'stop'; file: string } | { raw: { headers: Record<string, string>; body: string } };

/** The child: the portal on a port, its CPU and profile on request. */
async function serve(databaseUrl: string, schema: string | undefined): Promise<void> {
  const config = configFor(databaseUrl);
  // Request lines are written as in production, to /dev/null rather than a terminal.
  const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const rt = await boot(config, log, schema ? { db: { searchPath: schema, poolSize: 10 } } : {});
  const server = createServer(getRequestListener(createApp(rt.deps).fetch));
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  const inspector = new Session();
  process.on('message', async (m: ToServer) => {
    if ('cpu' in m) process.send!({ cpu: process.cpuUsage() });
    else if ('raw' in m) {
      // The baseline, in the same process: bare node:http answering every path with one article page's bytes and headers.
      const body = Buffer.from(m.raw.body);
      const head = Object.entries({ ...m.raw.headers, 'content-length': String(body.length) }).flat();
      const raw = createServer((_req, res) => {
        res.writeHead(200, head);
        res.end(body);
      });
      raw.keepAliveTimeout = 60_000;
      // The framework's floor: a bare Hono app behind the same listener, setting the same headers and answering the same string.
      const bare = new Hono();
      const text = m.raw.body;
      const { 'content-type': _type, ...rest } = m.raw.headers;
      bare.get('*', (c) => {
        for (const k in rest) c.header(k, rest[k]!);
        return c.html(text);
      });
      const hono = createServer(getRequestListener(bare.fetch));
      hono.keepAliveTimeout = 60_000;
      const chain = createServer(getRequestListener(chainApp(rt.deps, text).fetch));
      chain.keepAliveTimeout = 60_000;
      const portOf = (s: ReturnType<typeof createServer>) => (s.address() as { port: number }).port;
      raw.listen(0, '127.0.0.1', () =>
        hono.listen(0, '127.0.0.1', () => chain.listen(0, '127.0.0.1', () => process.send!({ port: portOf(raw), hono: portOf(hono), chain: portOf(chain) }))),
      );
    }
    else if (m.profile === 'start') {
      inspector.connect();
      await inspector.post('Profiler.enable');
      // Every 100 µs rather than the default 1 ms: a request is a few hundred µs, and a phase otherwise gives ~1,000 samples.
      await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
      await inspector.post('Profiler.start');
      process.send!({ started: true });
    } else {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(m.file, JSON.stringify(profile));
      inspector.disconnect();
      process.send!({ written: m.file });
    }
  });
  process.on('disconnect', () => {
    server.close();
    void rt.close().then(() => process.exit(0));
  });
}

/** Round-robin over readers and articles (each reader gets the next article it may read), and over administrators for /servicios. */
function roundRobin(readers: Reader[], articles: { system: string; slug: string }[], admins: string[]) {
  let nextArticle = 0;
  let nextReader = 0;
  let nextAdmin = 0;
  return {
    articleRequest: () => {
      const r = readers[nextReader++ % readers.length]!;
      for (;;) {
        const a = articles[nextArticle++ % articles.length]!;
        if (r.systems.has(a.system)) return { path: `/ayuda/${a.system}/${a.slug}`, token: r.token };
      }
    },
    servicesRequest: () => ({ path: '/servicios', token: admins[nextAdmin++ % admins.length]! }),
  };
}

async function pgExec(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

interface Reader {
  token: string;
  systems: Set<string>;
}

/** Customers, their contracts, administrators and technical users (some limited to two systems), each with a session; the help. */
async function seed(databaseUrl: string, schema: string | undefined) {
  const config = configFor(databaseUrl);
  const rt = await boot(config, pino({ level: 'silent' }), schema ? { db: { searchPath: schema, poolSize: 4 } } : {});
  try {
    const { db, dialect } = rt.deps;
    const now = new Date();
    const corpus = generateCorpus(ARTICLES);
    await importHelpTree(db, dialect, toHelpTree(corpus), now);
    const systems = await db.selectFrom('systems').select(['id', 'slug']).orderBy('position').execute();
    const at = now.toISOString();
    const timeouts = { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs };
    const admins: string[] = [];
    const readers: Reader[] = [];
    for (let k = 0; k < CUSTOMERS; k++) {
      const customerId = randomUUID();
      const body = String(20_000_000 + k * 7919);
      await db.insertInto('customers').values({ id: customerId, rut: `${body}-${rutCheckDigit(body)}`, name: `Cliente ${k}`, disabled_at: null, created_at: at }).execute();
      // Each customer contracts all the systems but one (a different one each), so readable systems differ.
      const contracted = systems.filter((_, i) => i !== k % systems.length);
      for (const s of contracted) {
        await db.insertInto('contracts').values({ id: randomUUID(), customer_id: customerId, system_id: s.id, plan: 'Plan Pyme', starts_on: '2020-01-01', ends_on: null, created_at: at }).execute();
      }
      for (let u = 0; u < USERS_PER_CUSTOMER; u++) {
        const id = randomUUID();
        const role = u % 4 === 0 ? 'admin' : 'technical';
        await db
          .insertInto('users')
          .values({
            id, customer_id: customerId, email: `u${u}@cliente${k}.cl`, name: `Usuario ${u}`, role, password_hash: 'unused', must_change_password: 0,
            temp_password_expires_at: null, disabled_at: null, last_sign_in_at: null, password_changed_at: at, created_by: 'bench', created_at: at,
          })
          .execute();
        let scope = new Set(contracted.map((s) => s.slug));
        if (role === 'technical' && u % 3 === 0) {
          const two = contracted.slice(u % 4, (u % 4) + 2);
          for (const s of two) await db.insertInto('user_help_scope').values({ user_id: id, system_id: s.id }).execute();
          scope = new Set(two.map((s) => s.slug));
        }
        const token = await createSession(db, id, now, timeouts, { ip: null, userAgent: 'page-cpu' });
        readers.push({ token, systems: scope });
        if (role === 'admin') admins.push(token);
      }
    }
    return { admins, readers, articles: corpus.articles.map((a) => ({ system: a.system, slug: a.slug })) };
  } finally {
    await rt.close();
  }
}

async function drive(databaseUrl: string, schema: string | undefined): Promise<void> {
  const { admins, readers, articles } = await seed(databaseUrl, schema);
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, PAGE_CPU_SERVE: databaseUrl, PAGE_CPU_SCHEMA: schema ?? '' },
    // PAGE_CPU_PROFILE=node: the server's whole life in a .cpuprofile (node --cpu-prof), in the temp dir.
    execArgv: process.env.PAGE_CPU_PROFILE === 'node' ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${tmpdir()}`] : process.execArgv,
  });
  const replies: Array<(m: Record<string, unknown>) => void> = [];
  child.on('message', (m: Record<string, unknown>) => replies.shift()?.(m));
  const ask = (m: ToServer | null) =>
    new Promise<Record<string, unknown>>((resolve) => {
      replies.push(resolve);
      if (m) child.send(m);
    });
  try {
    const { port } = (await ask(null)) as { port: number };
    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const csrf = randomBytes(32).toString('base64url');
    let target = port;
    const get = (path: string, token: string) =>
      new Promise<{ status: number; body: string; headers: Record<string, string> }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: target, path, agent, headers: { cookie: `sid=${token}; csrf=${csrf}` } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers as Record<string, string> }));
        });
        req.on('error', reject);
        req.end();
      });

    const { articleRequest, servicesRequest } = roundRobin(readers, articles, admins);

    /** `count` requests, IN_FLIGHT at a time; the failures are counted (a page that is not a 200 is not measured). */
    let bytes = 0;
    const run = async (next: () => { path: string; token: string }, count: number): Promise<number> => {
      let failures = 0;
      let left = count;
      const one = async () => {
        while (left-- > 0) {
          const { path, token } = next();
          const res = await get(path, token);
          bytes += res.body.length;
          if (res.status !== 200 || !res.body.includes('</html>')) {
            if (failures++ < 3) process.stderr.write(`page-cpu: ${path} answered ${res.status}\n`);
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, one));
      return failures;
    };
    const cpu = async () => ((await ask({ cpu: true })) as { cpu: NodeJS.CpuUsage }).cpu;

    const profile = process.env.PAGE_CPU_PROFILE === '1';
    const phase = async (name: string, next: () => { path: string; token: string }, count: number) => {
      // Warm-up: V8 compiles the hot paths, and the shared caches fill as after a while in production.
      await run(next, count);
      if (profile) await ask({ profile: 'start' });
      const before = await cpu();
      const started = performance.now();
      bytes = 0;
      const failures = await run(next, count);
      const after = await cpu();
      const user = after.user - before.user;
      const system = after.system - before.system;
      const ms = performance.now() - started;
      if (profile) process.stderr.write(`page-cpu: profile written to ${(await ask({ profile: 'stop', file: join(tmpdir(), `page-cpu-${name}-${schema ? 'postgres' : 'sqlite'}.cpuprofile`) })).written}\n`);
      if (failures > 0) throw new Error(`${name}: ${failures} requests did not answer 200`);
      const us = (user + system) / count;
      process.stdout.write(
        `${(schema ? 'postgres' : 'sqlite').padEnd(8)} ${name.padEnd(9)} ${us.toFixed(0).padStart(6)} µs server CPU/request ` +
          `(user ${(user / count).toFixed(0)}, system ${(system / count).toFixed(0)}; ${count} requests of ${(bytes / count / 1024).toFixed(1)} KiB, ${((count / ms) * 1000).toFixed(0)} req/s wall)\n`,
      );
    };
    await phase('article', articleRequest, REQUESTS);
    await phase('services', servicesRequest, REQUESTS);
    // Once more: the first article phase also paid for V8 compiling what the services page shares with it.
    await phase('article', articleRequest, REQUESTS);
    const sample = articleRequest();
    const { body, headers } = await get(sample.path, sample.token);
    const { date: _date, connection: _connection, 'keep-alive': _keepAlive, 'content-length': _length, ...same } = headers;
    const floors = (await ask({ raw: { headers: same, body } })) as { port: number; hono: number; chain: number };
    target = floors.port;
    await phase('raw-http', () => sample, REQUESTS);
    target = floors.hono;
    await phase('bare-hono', () => sample, REQUESTS);
    target = floors.chain;
    await phase('chain', () => sample, REQUESTS);
    agent.destroy();
  } finally {
    child.disconnect();
    await new Promise((r) => child.once('exit', r));
  }
}

/**
 * PAGE_CPU_INPROCESS=1: no sockets. The app's fetch called in this process
 * (ten in flight), CPU of the whole process per request: what the portal's
 * middleware and handlers cost without node:http, the load generator and the
 * loopback's system time, so a change to them shows through less noise. The
 * same against a bare Hono app answering one article page's bytes is the
 * framework's own floor.
 */
async function inProcess(databaseUrl: string, schema: string | undefined): Promise<void> {
  const { admins, readers, articles } = await seed(databaseUrl, schema);
  const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const rt = await boot(configFor(databaseUrl), log, schema ? { db: { searchPath: schema, poolSize: 10 } } : {});
  try {
    const app = createApp(rt.deps);
    const csrf = randomBytes(32).toString('base64url');
    const { articleRequest, servicesRequest } = roundRobin(readers, articles, admins);
    type Fetch = (req: Request) => Response | Promise<Response>;
    const run = async (fetch: Fetch, next: () => { path: string; token: string }, count: number) => {
      let left = count;
      let failures = 0;
      const one = async () => {
        while (left-- > 0) {
          const { path, token } = next();
          const res = await fetch(new Request(`http://localhost${path}`, { headers: { cookie: `sid=${token}; csrf=${csrf}` } }));
          const body = await res.text();
          if (res.status !== 200 || !body.includes('</html>')) failures++;
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, one));
      if (failures > 0) throw new Error(`${failures} requests did not answer 200`);
    };
    const phase = async (name: string, fetch: Fetch, next: () => { path: string; token: string }) => {
      await run(fetch, next, REQUESTS);
      const before = process.cpuUsage();
      await run(fetch, next, REQUESTS);
      const used = process.cpuUsage(before);
      process.stdout.write(`${(schema ? 'postgres' : 'sqlite').padEnd(8)} ${name.padEnd(9)} ${((used.user + used.system) / REQUESTS).toFixed(0).padStart(6)} µs CPU/request in process (app.fetch, no sockets)\n`);
    };
    const fetch: Fetch = (req) => app.fetch(req);
    await phase('article', fetch, articleRequest);
    await phase('services', fetch, servicesRequest);
    await phase('article', fetch, articleRequest);
    const sample = articleRequest();
    const page = await app.fetch(new Request(`http://localhost${sample.path}`, { headers: { cookie: `sid=${sample.token}; csrf=${csrf}` } }));
    const text = await page.text();
    const headers = [...page.headers].filter(([k]) => k !== 'content-type');
    const bare = new Hono();
    bare.get('*', (c) => {
      for (const [k, v] of headers) c.header(k, v);
      return c.html(text);
    });
    await phase('bare-hono', (req) => bare.fetch(req), () => sample);
    const chain = chainApp(rt.deps, text);
    await phase('chain', (req) => chain.fetch(req), () => sample);
  } finally {
    await rt.close();
  }
}

if (process.env.PAGE_CPU_SERVE) {
  await serve(process.env.PAGE_CPU_SERVE, process.env.PAGE_CPU_SCHEMA || undefined);
} else {
  const env = process.env.DATABASE_URL;
  const onPostgres = !!env && isPostgresUrl(env);
  const schema = onPostgres ? `bench_${randomBytes(5).toString('hex')}` : undefined;
  const dir = onPostgres ? undefined : mkdtempSync(join(tmpdir(), 'page-cpu-'));
  if (schema) await pgExec(env!, `create schema ${schema}`);
  try {
    await (process.env.PAGE_CPU_INPROCESS ? inProcess : drive)(onPostgres ? env! : join(dir!, 'portal.db'), schema);
  } finally {
    if (schema) await pgExec(env!, `drop schema ${schema} cascade`);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
