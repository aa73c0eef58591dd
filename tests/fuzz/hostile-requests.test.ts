import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TestClient } from '../client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../factories.ts';
import { createTestRuntime, type TestRuntime } from '../test-runtime.ts';
import { encodeSegment, prng, randomBytes, type Rng } from './hostile-inputs.ts';
import { METRICS_TOKEN, labelValues, parseExposition } from '../metrics-scrape.ts';
import { UNMATCHED } from '../../src/metrics/route-label.ts';

/**
 * Thousands of hostile requests at every route the app has, from a seeded
 * generator (the seed is printed with any failure, so a run can be
 * repeated): broken paths and encodings, every content type, malformed
 * multipart, oversized and invalid bodies, forged cookies and headers, as
 * an anonymous visitor, an administrator and a technical user. None may
 * answer 5xx, leave a half-saved change, or grow memory without bound.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);

let rt: TestRuntime;
let customer: TestCustomer;
let techId: string;
let admin: TestClient;
let tech: TestClient;

beforeAll(async () => {
  // /metrics served (with its token), so it is among the routes fuzzed.
  rt = await createTestRuntime({ env: { METRICS_TOKEN } });
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  const t = await createTechnicalUser(rt.deps, customer.id);
  techId = t.id;
  admin = new TestClient(rt, { 'x-forwarded-for': '198.18.0.1' });
  tech = new TestClient(rt, { 'x-forwarded-for': '198.18.0.2' });
  expect((await admin.signIn(customer.rut, customer.admin.email, customer.admin.password)).status).toBe(303);
  expect((await tech.signIn(customer.rut, t.email, t.password)).status).toBe(303);
}, 60_000);
afterAll(() => rt.close());

const ROUTES: Array<[string, string]> = [
  ['GET', '/'], ['GET', '/ayuda'], ['GET', '/ayuda/:system'], ['GET', '/ayuda/:system/:article'], ['GET', '/ayuda/:system/:article/adjuntos/:file'],
  ['GET', '/ayuda/buscar'], ['GET', '/ayuda/sugerencias'], ['GET', '/cuenta'], ['GET', '/dev/correo'], ['GET', '/dev/correo/:id'], ['GET', '/ingresar'], ['GET', '/metrics'],
  ['GET', '/nueva-clave'], ['GET', '/recuperar'], ['GET', '/restablecer'], ['GET', '/salud'], ['GET', '/servicios'], ['GET', '/static/:file'],
  ['GET', '/terminos'], ['GET', '/usuarios'], ['GET', '/usuarios/:id/ayuda'], ['GET', '/usuarios/:id/eliminar'], ['GET', '/usuarios/nuevo'],
  ['POST', '/ayuda/:system/:article/voto'], ['POST', '/cuenta/cerrar-otras'], ['POST', '/cuenta/clave'], ['POST', '/ingresar'], ['POST', '/nueva-clave'],
  ['POST', '/recuperar'], ['POST', '/restablecer'], ['POST', '/usuarios/:id/ayuda'], ['POST', '/usuarios/:id/deshabilitar'],
  ['POST', '/usuarios/:id/eliminar'], ['POST', '/usuarios/:id/habilitar'], ['POST', '/usuarios/:id/reenviar'], ['POST', '/usuarios/nuevo'],
  // Methods and paths no route has.
  ['PUT', '/ingresar'], ['DELETE', '/usuarios/:id/eliminar'], ['PATCH', '/cuenta'], ['OPTIONS', '/ingresar'], ['POST', '/servicios'], ['GET', '/:id'],
];

const NASTY = [
  '', ' ', 'a', '..', '../../etc/passwd', '%2e%2e%2f%2e%2e%2fetc', '%00', 'a%00b', '%ZZ', '%C3%28', '%E2%80%AE', '%1b%5d0%3bx%07', '\u202e', '\u0000',
  '<script>alert(1)</script>', "' or 1=1 --", '"; drop table users; --', '${7*7}', '{{7*7}}', 'x'.repeat(5000), 'ñandú', '🦙', '\r\nSet-Cookie: x=1',
  '/\t/evil.example', '//evil.example', '\\\\evil.example', 'https://evil.example', 'javascript:alert(1)', '%0A', '%0D%0ALocation:%20x', '-1', '0',
  '99999999999999999999', '1e309', 'NaN', 'null', 'undefined', 'true', '[]', '{}', 'contabilidad', 'cierre-mensual',
];

function fillPath(rng: Rng, path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const real: Record<string, string[]> = { id: [techId, customer.admin.id], system: ['contabilidad', 'remuneraciones'], article: ['cierre-mensual'], file: ['logo.svg', 'imagenes/x.png'] };
    if (rng.next() < 0.4 && real[name]) return rng.pick(real[name]!);
    return encodeSegment(rng, rng.pick(NASTY));
  });
}

const FIELDS = ['rut', 'email', 'password', 'name', 'currentPassword', 'newPassword', 'repeatPassword', 'token', 'helpful', 'comment', 'systems', 'scope', 'confirm', 'q', 'volver'];

function formBody(rng: Rng, csrf: string | undefined): string {
  const p = new URLSearchParams();
  if (csrf && rng.next() < 0.8) p.set('_csrf', rng.next() < 0.9 ? csrf : rng.pick(NASTY));
  const n = rng.int(6);
  for (let i = 0; i < n; i++) {
    const k = rng.next() < 0.85 ? rng.pick(FIELDS) : rng.pick(NASTY);
    const v = rng.next() < 0.1 ? 'x'.repeat(rng.int(100_000)) : rng.pick(NASTY);
    p.append(k, v);
    if (rng.next() < 0.1) p.append(k, rng.pick(NASTY)); // repeated fields
  }
  let s = p.toString();
  if (rng.next() < 0.1) s += `&${rng.pick(['%', '%%', '%E0%A4%A', '=&=&&', '_csrf'])}`;
  return s;
}

function multipartBody(rng: Rng, csrf: string | undefined): { type: string; body: string | Uint8Array } {
  const boundary = rng.pick(['----x', 'b', '', '"quoted"', 'a'.repeat(200)]);
  const type = rng.pick([`multipart/form-data; boundary=${boundary}`, 'multipart/form-data', 'multipart/form-data; boundary=']);
  const good = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf ?? ''}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--${boundary}--\r\n`;
  const variants = [good, good.slice(0, rng.int(good.length)), `--${boundary}\r\n\r\n\r\n`, `--${boundary}--`, 'garbage', good.replace(/\r\n/g, '\n')];
  return { type, body: rng.next() < 0.8 ? rng.pick(variants) : randomBytes(rng, rng.int(2000)) };
}

describe(`${REQUESTS} hostile requests (seed ${SEED})`, () => {
  it('never answer 5xx, never half-save, and keep memory bounded', async () => {
    const rng = prng(SEED);
    const usersBefore = Number((await rt.deps.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const rssBefore = process.memoryUsage().rss;
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS && failures.length < 5; i++) {
      const who = rng.pick([null, admin, tech] as const);
      const [routeMethod, routePath] = rng.pick(ROUTES);
      const method = rng.next() < 0.9 ? routeMethod : rng.pick(['GET', 'POST', 'HEAD', 'PUT']);
      let path = fillPath(rng, routePath);
      if (rng.next() < 0.3) path += `?${rng.pick(['volver', 'q', 'pagina', 'sistema', 'token', rng.pick(NASTY)])}=${encodeSegment(rng, rng.pick(NASTY))}`;
      const headers: Record<string, string> = {};
      const cookies = who ? [...who.cookies] : [];
      if (rng.next() < 0.2) cookies.push([rng.pick(['sid', 'csrf', 'flash', 'device']), encodeSegment(rng, rng.pick(NASTY))]);
      if (cookies.length) headers.cookie = cookies.map(([k, v]) => `${k}=${v}`).join('; ');
      headers['x-forwarded-for'] = rng.next() < 0.8 ? `198.18.1.${rng.int(8)}` : rng.pick(['', 'not-an-ip', '1.1.1.1, 2.2.2.2, ' + 'x'.repeat(500), '::1', '[::1]:80', '999.1.1.1']);
      if (rng.next() < 0.3) headers.origin = rng.pick(['http://localhost', 'https://evil.example', 'null', '']);
      let body: string | Uint8Array | undefined;
      if (method !== 'GET' && method !== 'HEAD') {
        const csrf = who?.cookies.get('csrf');
        const kind = rng.int(6);
        if (kind <= 2) {
          headers['content-type'] = rng.pick(['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'APPLICATION/X-WWW-FORM-URLENCODED']);
          body = formBody(rng, csrf);
        } else if (kind === 3) {
          const m = multipartBody(rng, csrf);
          headers['content-type'] = m.type;
          body = m.body;
        } else if (kind === 4) {
          headers['content-type'] = rng.pick(['application/json', 'text/plain', 'text/xml', 'application/octet-stream', 'x/y; boundary=', '']);
          body = rng.next() < 0.5 ? '{"a":' + '['.repeat(rng.int(5000)) : randomBytes(rng, rng.int(5000));
        } else {
          body = rng.next() < 0.5 ? randomBytes(rng, rng.int(300_000)) : '';
        }
      }
      // What an HTTP client can put in a header at all: Latin-1, no CR, LF or NUL.
      for (const [k, v] of Object.entries(headers)) headers[k] = v.replace(/[^\x20-\x7e\x80-\xff\t]/gu, (c) => encodeURIComponent(c));
      const label = `#${i} ${who === admin ? 'admin' : who === tech ? 'tech' : 'anon'} ${method} ${path.slice(0, 200)} ${headers['content-type'] ?? ''}`;
      let res: Response;
      try {
        res = await rt.app.request(path.startsWith('/') ? path : `/${path}`, { method, headers, ...(body !== undefined ? { body: body as BodyInit } : {}) });
      } catch (err) {
        // A URL the fetch API itself cannot build never reaches a server.
        if (err instanceof TypeError && /url|invalid/i.test(err.message)) continue;
        throw err;
      }
      const text = method === 'HEAD' ? '' : await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) failures.push(`${label} → ${res.status}`);
      if (/\bat [\w.<>]+ \(|node_modules|Error: /.test(text)) failures.push(`${label} → a stack trace or raw error in the answer`);
      // Keep the two signed-in people signed in (a fuzzed "salir" or a disabled user ends a session).
      if (i % 250 === 249) {
        if ((await admin.get('/cuenta')).status !== 200) await admin.signIn(customer.rut, customer.admin.email, customer.admin.password);
      }
    }
    expect(failures, `seed ${SEED}`).toEqual([]);
    if (process.env.FUZZ_VERBOSE) process.stderr.write(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}\n`);
    // The requests went deep, not only into one early refusal.
    expect([...statuses.keys()].filter((s) => s < 400).length).toBeGreaterThanOrEqual(2);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 20);

    // Nothing half-saved: every user added has its audit row and its credentials mail, or was deleted with an audit row.
    const users = await rt.deps.db.selectFrom('users').select(['id', 'email']).where('customer_id', '=', customer.id).execute();
    expect(users.length).toBeGreaterThanOrEqual(usersBefore - 1);
    for (const u of users.filter((x) => x.id !== customer.admin.id && x.id !== techId)) {
      const created = await rt.deps.db.selectFrom('audit_events').select('id').where('action', '=', 'user.created').where('target_user_id', '=', u.id).execute();
      const mails = await rt.deps.db.selectFrom('outbox').select('id').where('kind', '=', 'credentials').where('to_address', '=', u.email).execute();
      expect(created, `user ${u.email}`).toHaveLength(1);
      expect(mails.length, `credentials mail of ${u.email}`).toBeGreaterThanOrEqual(1);
    }
    if (rt.deps.dialect === 'sqlite') {
      const broken = await sql`pragma foreign_key_check`.execute(rt.deps.db);
      expect(broken.rows).toEqual([]);
    }
    // Tables that grow from input stay small: this many requests from a handful of addresses.
    const audit = Number((await rt.deps.db.selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const misses = Number((await rt.deps.db.selectFrom('help_search_misses').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(audit).toBeLessThan(REQUESTS / 2);
    expect(misses).toBeLessThan(500);
    // The request histogram took no label value from the paths: every route label is a pattern of the app.
    const patterns = new Set([...rt.app.routes.map((r) => r.path), UNMATCHED]);
    const routes = labelValues(parseExposition(await rt.deps.metrics.exposition()), 'portal_http_request_duration_seconds_bucket', 'route');
    expect([...routes].filter((r) => !patterns.has(r))).toEqual([]);
    // Bounded memory: a few hundred KB bodies by the thousand must not stay behind.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
  }, 240_000);
});
