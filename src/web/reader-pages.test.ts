import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../tests/factories.ts';
import { NOT_FOUND } from '../../tests/help-fixtures.ts';
import { HttpBrowser, startHttpPortal, type HttpPortal } from '../../tests/http-portal.ts';
import { vendorToday } from '../domain/contracts.ts';
import { ARTICLE_ROUTE, readerPageAssumptions, SERVICES_ROUTE } from './reader-pages.ts';

// The article and services pages served ahead of the framework (reader-pages.ts), over real
// HTTP on the test database (SQLite, or PostgreSQL with DATABASE_URL): the same bytes and
// headers as the framework's rendering, the framework's answer whenever the plain case does
// not hold, and writes seen on the very next request.

const ARTICLE = '/ayuda/contabilidad/cierre-mensual';
let portal: HttpPortal;
let customer: TestCustomer;
let n = 0;

/** How many requests for `route` went each way so far (portal_reader_pages_total). */
async function outcomes(route: string): Promise<{ served: number; framework: number }> {
  const text = await portal.rt.deps.metrics.exposition();
  const value = (outcome: string) => Number(new RegExp(`^portal_reader_pages_total\\{route="${route.replace(/[/:]/g, (c) => `\\${c}`)}",outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { served: value('served'), framework: value('framework') };
}

async function browserFor(email: string, password: string, rut = customer.rut): Promise<HttpBrowser> {
  const b = new HttpBrowser(portal, `10.77.${Math.floor(++n / 250)}.${(n % 250) + 1}`);
  expect((await b.signIn(rut, email, password)).status).toBe(303);
  return b;
}

const cookieOf = (b: HttpBrowser) => [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** What the framework alone answers for the same request (no fast path in front of app.request). */
async function frameworkAnswer(b: HttpBrowser, path: string) {
  const res = await portal.rt.app.request(path, { headers: { cookie: cookieOf(b), 'x-forwarded-for': b.address } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function wireAnswer(b: HttpBrowser, path: string) {
  const res = await fetch(portal.base + path, { headers: { cookie: cookieOf(b), 'x-forwarded-for': b.address }, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** The headers a page is made of: not the request id, nor what node:http adds on the wire. */
const pageHeaders = (h: Headers) => [...h].filter(([k]) => !['x-request-id', 'date', 'connection', 'keep-alive', 'content-length'].includes(k)).sort();

beforeAll(async () => {
  portal = await startHttpPortal();
  customer = await createCustomerWithAdmin(portal.rt.deps);
  await addContractFor(portal.rt.deps, customer.id, 'contabilidad', '2025-01-01');
});
afterAll(() => portal.close());

describe('reader pages ahead of the framework', () => {
  it('serve an article and the services page with the framework’s bytes and headers', async () => {
    const b = await browserFor(customer.admin.email, customer.admin.password);
    for (const [path, route] of [[ARTICLE, ARTICLE_ROUTE], ['/servicios', SERVICES_ROUTE]] as const) {
      const before = await outcomes(route);
      const wire = await wireAnswer(b, path);
      expect(await outcomes(route)).toEqual({ served: before.served + 1, framework: before.framework });
      const framework = await frameworkAnswer(b, path);
      expect(wire.status).toBe(200);
      expect(framework.status).toBe(200);
      expect(wire.body.equals(framework.body), `${path}: the bodies differ`).toBe(true);
      expect(pageHeaders(wire.headers)).toEqual(pageHeaders(framework.headers));
      expect(wire.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number(wire.headers.get('content-length'))).toBe(wire.body.length);
    }
  });

  it('answer with the request id a proxy sent, and count the article’s view', async () => {
    const b = await browserFor(customer.admin.email, customer.admin.password);
    const reads = portal.rt.deps.articleReads.size;
    const res = await fetch(portal.base + ARTICLE, { headers: { cookie: cookieOf(b), 'x-request-id': 'proxy-id.42' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('proxy-id.42');
    expect(portal.rt.deps.articleReads.size).toBeGreaterThanOrEqual(Math.min(1, reads + 1));
  });

  it('leave everything but the plain case to the framework, which answers as it always has', async () => {
    const admin = await browserFor(customer.admin.email, customer.admin.password);
    const tech = await createTechnicalUser(portal.rt.deps, customer.id);
    const technical = await browserFor(tech.email, tech.password);
    const before = { article: await outcomes(ARTICLE_ROUTE), services: await outcomes(SERVICES_ROUTE) };
    const anonymous = new HttpBrowser(portal, '10.78.0.1');
    await anonymous.ready();
    const cases: Array<[string, HttpBrowser, (r: Awaited<ReturnType<HttpBrowser['request']>>) => void]> = [
      // Signed out: to sign in, and back.
      [ARTICLE, anonymous, (r) => expect(r.location).toBe(`/ingresar?volver=${encodeURIComponent(ARTICLE)}`)],
      // A system the customer has not contracted, an article that does not exist: the usual 404.
      ['/ayuda/remuneraciones/liquidacion-de-sueldo', admin, (r) => expect([r.status, r.text.includes(NOT_FOUND)]).toEqual([404, true])],
      ['/ayuda/contabilidad/no-existe', admin, (r) => expect([r.status, r.text.includes(NOT_FOUND)]).toEqual([404, true])],
      // A technical user on the administrator's page: refused.
      ['/servicios', technical, (r) => expect(r.status).toBe(403)],
    ];
    for (const [path, b, check] of cases) check(await b.request(path));
    const after = { article: await outcomes(ARTICLE_ROUTE), services: await outcomes(SERVICES_ROUTE) };
    expect(after.article).toEqual({ served: before.article.served, framework: before.article.framework + 3 });
    expect(after.services).toEqual({ served: before.services.served, framework: before.services.framework + 1 });
  });

  it('leave a flash message, a missing or odd CSRF cookie and two Cookie headers to the framework', async () => {
    const b = await browserFor(customer.admin.email, customer.admin.password);
    const sid = b.cookies.get('sid')!;
    const csrf = b.cookies.get('csrf')!;
    const before = await outcomes(ARTICLE_ROUTE);
    // A flash: shown once, and its cookie cleared.
    const flash = await fetch(portal.base + ARTICLE, { headers: { cookie: `sid=${sid}; csrf=${csrf}; flash=${Buffer.from('Hola desde el flash').toString('base64url')}` } });
    expect(await flash.text()).toContain('Hola desde el flash');
    expect(flash.headers.getSetCookie().some((l) => l.startsWith('flash=;') || /^flash=.*max-age=0/i.test(l))).toBe(true);
    // No CSRF cookie, or one that is not a token: a new one, and the page's forms carry it.
    for (const cookie of [`sid=${sid}`, `sid=${sid}; csrf=corto`]) {
      const res = await fetch(portal.base + ARTICLE, { headers: { cookie } });
      const set = res.headers.getSetCookie().find((l) => l.startsWith('csrf='))!;
      expect(set).toBeDefined();
      expect(await res.text()).toContain(`value="${set.slice(5, set.indexOf(';'))}"`);
    }
    // Two Cookie headers, as the bytes on the wire (fetch would join them).
    const port = Number(new URL(portal.base).port);
    const twice = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET ${ARTICLE} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sid=${sid}\r\nCookie: csrf=${csrf}\r\nConnection: close\r\n\r\n`);
      });
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (d) => (answer += d));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
    // Whatever the framework makes of them: its answer, not the fast path's.
    expect(twice).toMatch(/^HTTP\/1\.1 \d{3} /);
    expect(await outcomes(ARTICLE_ROUTE)).toEqual({ served: before.served, framework: before.framework + 4 });
  });

  it('show a vote, a sign-out and a contract that ended on the very next request', async () => {
    const b = await browserFor(customer.admin.email, customer.admin.password);
    expect((await b.request(ARTICLE)).text).not.toContain('aria-pressed="true"');
    expect((await b.request(`${ARTICLE}/voto`, { util: 'si', comentario: '' })).status).toBe(303);
    expect((await b.request(ARTICLE)).text).toContain('aria-pressed="true"');

    const other = await createCustomerWithAdmin(portal.rt.deps);
    await addContractFor(portal.rt.deps, other.id, 'contabilidad', '2025-01-01');
    const o = await browserFor(other.admin.email, other.admin.password, other.rut);
    expect((await o.request(ARTICLE)).status).toBe(200);
    const today = vendorToday(portal.rt.deps.clock.now());
    await portal.rt.deps.db.updateTable('contracts').set({ ends_on: '2025-06-30' }).where('customer_id', '=', other.id).execute();
    expect((await o.request(ARTICLE)).status).toBe(404);
    expect(today > '2025-06-30').toBe(true);

    const sid = b.cookies.get('sid')!;
    const csrf = b.cookies.get('csrf')!;
    expect((await b.request('/salir', {})).status).toBe(303);
    const after = await fetch(portal.base + ARTICLE, { headers: { cookie: `sid=${sid}; csrf=${csrf}` }, redirect: 'manual' });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toContain('/ingresar');
  });

  it('serve forty readers at once, each their own navigation and form token', async () => {
    const readers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const t = await createTechnicalUser(portal.rt.deps, customer.id, { name: `Lectora ${i}` });
        return { name: `Lectora ${i}`, b: await browserFor(t.email, t.password) };
      }),
    );
    const before = await outcomes(ARTICLE_ROUTE);
    const pages = await Promise.all(readers.map(async (r) => ({ r, page: await r.b.request(ARTICLE) })));
    for (const { r, page } of pages) {
      expect(page.status).toBe(200);
      expect(page.text).toContain(r.name);
      expect(page.text).toContain(`name="_csrf" value="${r.b.cookies.get('csrf')}"`);
    }
    expect((await outcomes(ARTICLE_ROUTE)).served).toBe(before.served + readers.length);
  });
});

describe('what the fast path assumes of the app', () => {
  it('leaves alone every other route an address of its shape could match', () => {
    const { shadowing } = readerPageAssumptions(portal.rt.app);
    for (const path of ['/ayuda/buscar/ir', '/ayuda/resumen/baja', '/ayuda/contabilidad/novedades']) {
      expect(shadowing.some((r) => r.test(path)), path).toBe(true);
    }
    expect(shadowing.some((r) => r.test(ARTICLE))).toBe(false);
    expect(shadowing.some((r) => r.test('/servicios'))).toBe(false);
  });

  // reader-pages.ts does by hand what these do for its two pages (the security headers, the request
  // id and log line, the metrics, the session, CSRF cookie, flash and forced password change, the
  // guards). A middleware added on these paths must be taught to it too: then update this list.
  it('stands in for exactly the middleware it knows', () => {
    const matching = (path: string) =>
      portal.rt.app.routes
        .filter((r) => (r.method === 'ALL' || r.method === 'GET') && new RegExp(`^${r.path.replace(/\*/g, '.*').replace(/:[^/]+/g, '[^/]+')}$`).test(path))
        .map((r) => `${r.method} ${r.path}`);
    // metrics, request context, the known outage (a 503 for what the fast path found the database away for), security headers;
    // the page cache's fill (wherever there is a page cache), CSRF, session, forced password change.
    const common = Array.from({ length: portal.rt.deps.pageCache ? 8 : 7 }, () => 'ALL /*');
    expect(matching(ARTICLE)).toEqual([...common, 'ALL /ayuda/*', `GET ${ARTICLE_ROUTE}`]);
    expect(matching('/servicios')).toEqual([...common, 'ALL /servicios', 'GET /servicios']);
  });
});
