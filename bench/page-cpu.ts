// CPU per request of the uncached pages (issue 10, "fast uncached pages"):
// the portal in this process (app.request, no socket), PAGE_CACHE=false,
// ~200 signed-in sessions (administrators and technical users of several
// customers, some technical users limited to a few systems) reading ~300
// different articles round-robin, ten requests in flight, and the services
// page for the administrators. Prints µs of this process's CPU per request
// (process.cpuUsage: user + system), which is fair on a machine other
// programs load. Not the realistic bench (bench/many-readers*): a probe to
// compare before and after a change.
//
//   npx tsx bench/page-cpu.ts                        # SQLite file in a temp dir
//   DATABASE_URL=postgres://… npx tsx bench/page-cpu.ts   # a schema of its own, dropped after
//   PAGE_CPU_REQUESTS=6000 PAGE_CPU_PROFILE=1 …      # more requests; a .cpuprofile of the article phase
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { createSession } from '../src/auth/session.ts';
import { boot } from '../src/boot.ts';
import { loadConfig } from '../src/config.ts';
import { isPostgresUrl } from '../src/db/create-db.ts';
import { rutCheckDigit } from '../src/domain/rut.ts';
import { importHelpTree } from '../src/help/import/import-help-tree.ts';
import { generateCorpus, toHelpTree } from './help-corpus.ts';

const ARTICLES = Number(process.env.PAGE_CPU_ARTICLES ?? 300);
const CUSTOMERS = 10;
const USERS_PER_CUSTOMER = 20;
const REQUESTS = Number(process.env.PAGE_CPU_REQUESTS ?? 3000);
const IN_FLIGHT = 10;

const env = process.env.DATABASE_URL;
const onPostgres = !!env && isPostgresUrl(env);

async function pgExec(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: env });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const schema = onPostgres ? `bench_${randomBytes(5).toString('hex')}` : undefined;
const dir = onPostgres ? undefined : mkdtempSync(join(tmpdir(), 'page-cpu-'));
if (schema) await pgExec(`create schema ${schema}`);
const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: onPostgres ? env! : join(dir!, 'portal.db'),
  LOG_LEVEL: 'info',
  PUBLIC_URL: 'http://localhost',
  PAGE_CACHE: 'false',
  // Nothing is mailed (the outbox worker is not started); production wants the setting.
  SMTP_URL: 'smtp://127.0.0.1:2525',
});
// The server's logger writes its request lines somewhere: /dev/null keeps the cost of writing them and not the terminal's.
const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
const rt = await boot(config, log, schema ? { db: { searchPath: schema, poolSize: 10 } } : {});
try {
  const { db, dialect } = rt.deps;
  const now = new Date();
  const corpus = generateCorpus(ARTICLES);
  await importHelpTree(db, dialect, toHelpTree(corpus), now);
  const systems = await db.selectFrom('systems').select(['id', 'slug']).orderBy('position').execute();
  const at = now.toISOString();
  const timeouts = { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs };
  const admins: string[] = [];
  const readers: Array<{ token: string; systems: Set<string> }> = [];
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
        // A technical user limited to two systems.
        const two = contracted.slice(u % 4, (u % 4) + 2);
        for (const s of two) await db.insertInto('user_help_scope').values({ user_id: id, system_id: s.id }).execute();
        scope = new Set(two.map((s) => s.slug));
      }
      const token = await createSession(db, id, now, timeouts, { ip: null, userAgent: 'page-cpu' });
      readers.push({ token, systems: scope });
      if (role === 'admin') admins.push(token);
    }
  }
  const articles = corpus.articles.map((a) => ({ system: a.system, slug: a.slug }));
  const app = createApp(rt.deps);
  const csrf = randomBytes(32).toString('base64url');

  // Round-robin over readers and articles; each reader gets the next article it may read.
  let nextArticle = 0;
  let nextReader = 0;
  const articleRequest = () => {
    const r = readers[nextReader++ % readers.length]!;
    for (;;) {
      const a = articles[nextArticle++ % articles.length]!;
      if (r.systems.has(a.system)) return { path: `/ayuda/${a.system}/${a.slug}`, token: r.token };
    }
  };
  let nextAdmin = 0;
  const servicesRequest = () => ({ path: '/servicios', token: admins[nextAdmin++ % admins.length]! });

  /** `count` requests, IN_FLIGHT at a time; the failures are counted (a page that is not a 200 is not measured). */
  async function run(next: () => { path: string; token: string }, count: number): Promise<number> {
    let failures = 0;
    let left = count;
    const one = async () => {
      while (left-- > 0) {
        const { path, token } = next();
        const res = await app.request(path, { headers: { cookie: `sid=${token}; csrf=${csrf}` } });
        const text = await res.text();
        if (res.status !== 200 || !text.includes('</html>')) {
          if (failures++ < 3) process.stderr.write(`page-cpu: ${path} answered ${res.status}\n`);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, one));
    return failures;
  }

  async function phase(name: string, next: () => { path: string; token: string }, count: number, profile = false): Promise<number> {
    // Warm-up: V8 compiles the hot paths, and the shared caches fill as after a while in production.
    await run(next, Math.ceil(count / 2));
    const inspector = profile ? new Session() : undefined;
    if (inspector) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    }
    const cpu = process.cpuUsage();
    const started = performance.now();
    const failures = await run(next, count);
    const used = process.cpuUsage(cpu);
    const ms = performance.now() - started;
    if (inspector) {
      const { profile: p } = await inspector.post('Profiler.stop');
      const file = join(tmpdir(), `page-cpu-${name}-${rt.deps.dialect}.cpuprofile`);
      writeFileSync(file, JSON.stringify(p));
      process.stderr.write(`page-cpu: profile written to ${file}\n`);
      inspector.disconnect();
    }
    if (failures > 0) throw new Error(`${name}: ${failures} requests did not answer 200`);
    const us = (used.user + used.system) / count;
    process.stdout.write(`${rt.deps.dialect.padEnd(8)} ${name.padEnd(9)} ${us.toFixed(0).padStart(6)} µs CPU/request  (${count} requests, ${((count / ms) * 1000).toFixed(0)} req/s wall)\n`);
    return us;
  }

  const profile = process.env.PAGE_CPU_PROFILE === '1';
  await phase('article', articleRequest, REQUESTS, profile);
  await phase('services', servicesRequest, REQUESTS, profile);
  // Once more: the first article phase also paid for V8 compiling what the services page shares with it.
  await phase('article', articleRequest, REQUESTS);
} finally {
  await rt.close();
  if (schema) await pgExec(`drop schema ${schema} cascade`);
  if (dir) rmSync(dir, { recursive: true, force: true });
}
