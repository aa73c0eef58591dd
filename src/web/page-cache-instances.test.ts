import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { outsideWriter } from '../../tests/cached-portal.ts';
import { HttpBrowser, type HttpPortal } from '../../tests/http-portal.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/test-database.ts';
import { TEST_START } from '../../tests/test-runtime.ts';
import { createApp } from '../app.ts';
import { boot } from '../boot.ts';
import { ManualClock } from '../clock.ts';
import { HELP_DIR } from '../demo/seed-demo.ts';
import { importHelpTree } from '../help/import/import-help-tree.ts';
import { readHelpTree } from '../help/import/read-help-tree.ts';
import { loadConfig } from '../config.ts';
import type { PageCache } from './page-cache.ts';
import { portalListener } from './portal-listener.ts';

// Two portal instances ("A" and "B") on one PostgreSQL schema or one SQLite
// file, each as server.ts runs it: the page cache ahead of the reader pages
// and the framework, over real HTTP. B keeps a reader's services page; a
// change made on A, or by another connection as the CLI makes, or a
// sign-out on A, must reach that reader on B's very next request, and the
// page must come from B's cache again once nothing changes.

const isPg = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));

interface Instance {
  portal: HttpPortal;
  cache: PageCache;
  close(): Promise<void>;
}

async function instance(url: string, schema: string | undefined, clock: ManualClock): Promise<Instance> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost', TRUST_PROXY: 'true', SIGN_IN_FAILURE_DELAY_MS: '0' });
  const rt = await boot(config, pino({ level: 'silent' }), { clock, ...(schema ? { db: { searchPath: schema, poolSize: 3 } } : {}) });
  const app = createApp(rt.deps);
  const server: Server = createServer(portalListener(rt.deps, app));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const portal = { rt: { ...rt, app, clock, config, schema }, server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: async () => {} } as HttpPortal;
  return {
    portal,
    cache: rt.deps.pageCache!,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rt.close();
    },
  };
}

let database: TestDatabase | undefined;
let dir: string | undefined;
let a: Instance;
let b: Instance;
let customer: TestCustomer;
/** A statement on a connection of its own, as the operator CLI makes. */
let outside: ReturnType<typeof outsideWriter>;
let n = 0;

beforeAll(async () => {
  const clock = new ManualClock(TEST_START);
  if (isPg) {
    database = await createTestDatabase('pci');
    a = await instance(database.url, database.schema, clock);
    b = await instance(database.url, database.schema, clock);
    outside = outsideWriter({ url: database.url, schema: database.schema! });
  } else {
    dir = mkdtempSync(join(tmpdir(), 'portal-page-cache-instances-'));
    const file = join(dir, 'portal.sqlite');
    a = await instance(file, undefined, clock);
    b = await instance(file, undefined, clock);
    outside = outsideWriter({ file });
  }
  await importHelpTree(a.portal.rt.deps.db, a.portal.rt.deps.dialect, readHelpTree(HELP_DIR), TEST_START);
  customer = await createCustomerWithAdmin(a.portal.rt.deps);
  await addContractFor(a.portal.rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A browser on `on` signed in as the customer's administrator. */
async function signedIn(on: Instance): Promise<HttpBrowser> {
  const browser = new HttpBrowser(on.portal, `10.88.0.${++n}`);
  expect((await browser.signIn(customer.rut, customer.admin.email, customer.admin.password)).status).toBe(303);
  // The landing page takes the sign-in's flash, which keeps pages out of the cache.
  await browser.request('/servicios');
  return browser;
}

/** The same person (the same cookies) on another instance, as a round-robin proxy sends them. */
function onOther(browser: HttpBrowser, other: Instance): HttpBrowser {
  const moved = new HttpBrowser(other.portal, browser.address);
  for (const [k, v] of browser.cookies) moved.cookies.set(k, v);
  return moved;
}

/** GET /servicios on B, and whether B's page cache answered it. */
async function servicesOnB(browser: HttpBrowser): Promise<{ status: number; text: string; hit: boolean }> {
  const hits = b.cache.hits;
  const res = await browser.request('/servicios');
  return { status: res.status, text: res.text, hit: b.cache.hits > hits };
}

describe(`the page cache of two instances on one ${isPg ? 'PostgreSQL schema' : 'SQLite file'}`, () => {
  it('B shows a change made on A or by another connection on the very next request, 30 times in a row, and serves from its cache while nothing changes', async () => {
    const reader = await signedIn(b);
    let served = 0;
    for (let i = 0; i < 30; i++) {
      // B holds the page: the request after a fill is a hit (the first may still meet the setup's notifications).
      await servicesOnB(reader);
      const held = await servicesOnB(reader);
      if (held.hit) served++;
      const name = `Contabilidad renombrada ${i}`;
      if (i % 2 === 0) await a.portal.rt.deps.db.updateTable('systems').set({ name }).where('slug', '=', 'contabilidad').execute();
      else await outside('update systems set name = ? where slug = ?', [name, 'contabilidad']);
      // The commit has returned: the very next request on B must show it.
      const next = await servicesOnB(reader);
      expect(next.status).toBe(200);
      expect(next.text, `change ${i}`).toContain(name);
    }
    // Not vacuous: B's cache did answer the unchanged pages.
    expect(served).toBeGreaterThanOrEqual(28);
  });

  it('a sign-out on A ends the session on B at once, though B held the page', async () => {
    const onB = await signedIn(b);
    await servicesOnB(onB);
    expect((await servicesOnB(onB)).hit).toBe(true);
    const onA = onOther(onB, a);
    expect((await onA.request('/salir', {})).status).toBe(303);
    const after = await onB.request('/servicios');
    expect(after.status).toBe(303);
    expect(after.location).toContain('/ingresar');
  });

  it('a contract ended by another connection takes the page from B on the next request', async () => {
    const other = await createCustomerWithAdmin(a.portal.rt.deps);
    const contractId = await addContractFor(a.portal.rt.deps, other.id, 'remuneraciones', '2025-01-01');
    const browser = new HttpBrowser(b.portal, `10.88.1.${++n}`);
    expect((await browser.signIn(other.rut, other.admin.email, other.admin.password)).status).toBe(303);
    await browser.request('/servicios');
    await servicesOnB(browser);
    const held = await servicesOnB(browser);
    expect(held.hit).toBe(true);
    expect(held.text).toContain('/ayuda/remuneraciones');
    await outside('update contracts set ends_on = ? where id = ?', ['2026-03-01', contractId]);
    const after = await servicesOnB(browser);
    expect(after.status).toBe(200);
    expect(after.hit).toBe(false);
    expect(after.text).not.toContain('/ayuda/remuneraciones');
  });

  it.runIf(isPg)('B losing its listening connection serves nothing kept until it is back, and then shows what changed meanwhile', async () => {
    const reader = await signedIn(b);
    await servicesOnB(reader);
    expect((await servicesOnB(reader)).hit).toBe(true);
    const signal = b.portal.rt.deps.caches.signal as { backendPid?: number; connected?: boolean };
    const pid = signal.backendPid!;
    await outside('select pg_terminate_backend(?)', [pid]);
    const name = 'Contabilidad renombrada sin escucha';
    await outside('update systems set name = ? where slug = ?', [name, 'contabilidad']);
    // Whether B has noticed the loss yet or has already reconnected (and emptied everything): the new name.
    const during = await servicesOnB(reader);
    expect(during.status).toBe(200);
    expect(during.text).toContain(name);
    for (let i = 0; i < 100 && !(signal.connected && signal.backendPid !== pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(signal.backendPid).not.toBe(pid);
    await servicesOnB(reader);
    const back = await servicesOnB(reader);
    expect(back.hit).toBe(true);
    expect(back.text).toContain(name);
  });
});
