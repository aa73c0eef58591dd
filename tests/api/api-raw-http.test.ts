import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_BODY_LIMIT } from '../../src/api/api-body.ts';
import { API_SCOPES } from '../../src/api/api-scopes.ts';
import { isProblemCode } from '../../src/api/problem-codes.ts';
import { operationsOf, type LocatedOperation, type OpenApiDocumentShape } from '../../src/api/reference/openapi-shape.ts';
import { startApiPortal, type ApiPortal } from '../api-client.ts';
import { exampleFixtures, exampleFor, type ExampleFixtures } from './operation-examples.ts';
import { changedTables, writtenState } from './written-state.ts';

/**
 * What only shows on the wire, sent with node:http as a client might:
 * bodies that are not JSON, not UTF-8, too large (declared or streamed in
 * chunks), empty; methods the API does not have; HEAD; a token anywhere but
 * the Authorization header, or under another scheme. Every answer is
 * checked against the document like the client's (a path it does not
 * have may only be a 401/404/405 problem), is never a 500, and a refused
 * write changes nothing.
 */
let portal: ApiPortal;
let port: number;
let token: string;
let fixtures: ExampleFixtures;
let operations: LocatedOperation[];
let writes: LocatedOperation[];

interface Wire {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** One request over a fresh connection; `chunks` go with Transfer-Encoding: chunked, one write each. */
function wire(method: string, path: string, o: { headers?: Record<string, string | string[]>; body?: string | Buffer; chunks?: Buffer[] } = {}): Promise<Wire> {
  return new Promise((resolve, reject) => {
    // node sends a DELETE's or OPTIONS' body without framing unless told its length (it chunks only POST, PUT, PATCH by default).
    const framed = o.body !== undefined && !o.chunks && !Object.keys(o.headers ?? {}).some((h) => h.toLowerCase() === 'content-length') ? { 'content-length': String(Buffer.byteLength(o.body)) } : {};
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...framed, ...o.headers }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        const type = headers.get('content-type') ?? '';
        resolve({ status: res.statusCode!, headers, text, body: /json/.test(type) && text ? JSON.parse(text) : text });
      });
      res.on('error', reject);
    });
    // A server that answers before reading all of a too-large body may close the socket under the rest: that is its right.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    if (o.chunks) {
      for (const c of o.chunks) req.write(c);
      req.end();
    } else req.end(o.body);
  });
}

/** As the API client checks: documented for the operation (or a 401/404/405 problem where there is none), a problem with a known code, no 500. */
function check(method: string, path: string, res: Wire): Wire {
  expect(res.status, `${method} ${path}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
  portal.checker.check(method, path.replace(/^\/api\/v1/, ''), { status: res.status, headers: res.headers, body: res.text === '' ? undefined : res.body });
  if (res.status >= 400 && method !== 'HEAD') {
    expect(res.headers.get('content-type'), `${method} ${path}`).toBe('application/problem+json');
    expect(isProblemCode(res.body.code), `${method} ${path}: code ${res.body.code} not in problem-codes.ts`).toBe(true);
  }
  return res;
}

const bearer = () => ({ authorization: `Bearer ${token}` });
const jsonHeaders = (extra: Record<string, string> = {}) => ({ ...bearer(), 'content-type': 'application/json', ...extra });

beforeAll(async () => {
  portal = await startApiPortal({ withHelp: true });
  port = Number(new URL(portal.base).port);
  const client = await portal.client(API_SCOPES, 'cables');
  token = client.token!;
  fixtures = await exampleFixtures(portal.rt.deps);
  operations = operationsOf(portal.checker.doc as unknown as OpenApiDocumentShape);
  writes = operations.filter((o) => o.op.requestBody);
});
afterAll(() => portal.close());

async function each(fn: (o: LocatedOperation, path: string) => Promise<void>) {
  expect(writes.length, 'no operation takes a body yet').toBeGreaterThan(0);
  for (const o of writes) {
    const req = await exampleFor(o.method, o.path)(fixtures);
    const before = await writtenState(portal.rt.deps);
    await fn(o, `/api/v1${req.path}`);
    expect(changedTables(before, await writtenState(portal.rt.deps)), `${o.method} ${o.path}: a refused body changed something`).toEqual({});
  }
}

describe('bodies on the wire', () => {
  it('answers JSON that does not parse, or is not UTF-8, with 400 malformed-json', async () => {
    await each(async (o, path) => {
      const m = o.method.toUpperCase();
      for (const body of ['{"a":', '{a:1}', "{'a':1}", '[1,2', 'nul', '{"a":1}}', '{"a":NaN}']) {
        const res = check(m, path, await wire(m, path, { headers: jsonHeaders(), body }));
        expect([res.status, res.body.code], `${m} ${path} ${body}`).toEqual([400, 'malformed-json']);
      }
      const latin1 = check(m, path, await wire(m, path, { headers: jsonHeaders(), body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xf1, 0x22, 0x7d]) }));
      expect([latin1.status, latin1.body.code]).toEqual([400, 'malformed-json']);
    });
  });

  it('refuses anything but JSON in UTF-8, and compressed bodies, with 415', async () => {
    await each(async (o, path) => {
      const m = o.method.toUpperCase();
      const cases: Record<string, string>[] = [
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/x-www-form-urlencoded' },
        { 'content-type': 'multipart/form-data; boundary=x' },
        { 'content-type': 'application/json; charset=iso-8859-1' },
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        {},
      ];
      for (const h of cases) {
        const headers = { ...bearer(), ...h };
        const res = check(m, path, await wire(m, path, { headers, body: '{"name":"x"}' }));
        expect([res.status, res.body.code], `${m} ${path} ${JSON.stringify(h)}`).toEqual([415, 'unsupported-media-type']);
      }
    });
  });

  it('refuses a body over the limit with 413, whether declared or streamed in chunks, and closes the connection', async () => {
    const big = Buffer.from(JSON.stringify({ name: 'z'.repeat(API_BODY_LIMIT) }));
    await each(async (o, path) => {
      const m = o.method.toUpperCase();
      const declared = check(m, path, await wire(m, path, { headers: jsonHeaders({ 'content-length': String(big.length) }), body: big }));
      expect([declared.status, declared.body.code]).toEqual([413, 'body-too-large']);
      expect(declared.headers.get('connection')).toBe('close');
      const chunks = Array.from({ length: 9 }, (_, i) => big.subarray(i * 8192, (i + 1) * 8192));
      const chunked = check(m, path, await wire(m, path, { headers: jsonHeaders({ 'transfer-encoding': 'chunked' }), chunks }));
      expect([chunked.status, chunked.body.code]).toEqual([413, 'body-too-large']);
    });
  });

  it('takes a body just under the limit as far as validation (422, not 413)', async () => {
    await each(async (o, path) => {
      const m = o.method.toUpperCase();
      const body = JSON.stringify({ relleno: 'z'.repeat(API_BODY_LIMIT - 100) });
      const res = check(m, path, await wire(m, path, { headers: jsonHeaders(), body }));
      expect(res.status, `${m} ${path}`).not.toBe(413);
    });
  });

  it('answers an empty body, or one of blanks, as missing fields (422 with errors) or the operation\'s own answer, never a parse error', async () => {
    await each(async (o, path) => {
      const m = o.method.toUpperCase();
      for (const body of ['', '   ', '{}', 'null', '[]', '"texto"', '42']) {
        const res = check(m, path, await wire(m, path, { headers: jsonHeaders(), body }));
        expect(res.status, `${m} ${path} ${JSON.stringify(body)}`).toBe(422);
        expect(res.body.code).toBe('validation');
      }
    });
  });
});

describe('methods and paths', () => {
  it('answers a method an operation\'s path does not have with a 404 or 405 problem', async () => {
    for (const o of operations) {
      const req = await exampleFor(o.method, o.path)(fixtures);
      const path = `/api/v1${req.path.split('?')[0]}`;
      // Methods no operation answers at this path (PATCH /contracts/ending is PATCH /contracts/{id} with id «ending»: documented, not this case).
      const undeclared = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'].filter((m) => !portal.checker.operationOf(m, req.path.split('?')[0]!));
      for (const m of undeclared) {
        const before = await writtenState(portal.rt.deps);
        const res = check(m, path, await wire(m, path, { headers: jsonHeaders(), body: m === 'GET' ? undefined : '{}' }));
        expect([404, 405], `${m} ${path}`).toContain(res.status);
        expect(changedTables(before, await writtenState(portal.rt.deps)), `${m} ${path}`).toEqual({});
      }
    }
  });

  it('answers HEAD on a read like its GET, without a body', async () => {
    for (const o of operations.filter((x) => x.method === 'get')) {
      const req = await exampleFor(o.method, o.path)(fixtures);
      const path = `/api/v1${req.path}`;
      const get = await wire('GET', path, { headers: bearer() });
      const head = await wire('HEAD', path, { headers: bearer() });
      expect(head.status, `HEAD ${path}`).toBe(get.status);
      expect(head.text).toBe('');
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    }
  });

  it('answers odd paths under /api/v1 with a problem, never a 500', async () => {
    for (const path of ['/api/v1', '/api/v1/', '/api/v1/%2e%2e/proveedor', '/api/v1/customers/%zz', '/api/v1/systems/', '/api/v1//systems', `/api/v1/${'a'.repeat(6000)}`, '/api/v1/systems%00', '/api/v1/openapi.json/x']) {
      const res = await wire('GET', path, { headers: bearer() });
      expect(res.status, path).toBeLessThan(500);
      // /api/v1/%2e%2e/x is /x once the URL is parsed (as a browser would): the portal's page there answers, not the API.
      if (res.status >= 400 && !path.includes('%2e%2e')) expect(res.headers.get('content-type'), path).toBe('application/problem+json');
    }
  });
});

describe('bytes PostgreSQL refuses', () => {
  it('takes a NUL (%00) in any path parameter of any operation, with or without an Idempotency-Key, as a client error', async () => {
    for (const o of operations.filter((x) => x.path.includes('{'))) {
      const m = o.method.toUpperCase();
      const path = `/api/v1${o.path.replace(/\{[^}]+\}/g, 'x%00y')}`;
      const withKey: Record<string, string>[] = [{}, { 'idempotency-key': `nul-${o.method}-${o.path}`.replace(/[^!-~]/g, '') }];
      for (const extra of withKey) {
        const res = check(m, path, await wire(m, path, { headers: { ...jsonHeaders(extra) }, body: m === 'GET' ? undefined : '{}' }));
        expect(res.status, `${m} ${path} ${JSON.stringify(extra)}`).toBeGreaterThanOrEqual(400);
      }
    }
  });
});

describe('where the token may be', () => {
  it('ignores a valid token in the query string: without the header the call is a 401', async () => {
    for (const q of ['access_token', 'token', 'api_key', 'authorization', 'bearer']) {
      const path = `/api/v1/systems?${q}=${encodeURIComponent(token)}`;
      const res = check('GET', path, await wire('GET', path));
      expect([res.status, res.body.code], q).toEqual([401, 'unauthorized']);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="mi-portal"');
    }
  });

  it('accepts only the Bearer scheme: Basic, Token, a bare token, a cookie or an empty Bearer are 401s', async () => {
    const variants: Record<string, string | string[]>[] = [
      { authorization: `Basic ${Buffer.from(`${token}:`).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(`api:${token}`).toString('base64')}` },
      { authorization: `Token ${token}` },
      { authorization: token },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${token} extra` },
      { authorization: `Bearer ${token.slice(0, -1)}` },
      { authorization: `Bearer ${token}x` },
      { 'x-api-key': token },
      { 'x-auth-token': token },
      { cookie: `token=${token}; api_token=${token}` },
    ];
    for (const headers of variants) {
      const res = check('GET', '/api/v1/systems', await wire('GET', '/api/v1/systems', { headers }));
      expect([res.status, res.body.code], JSON.stringify(headers).replace(token, 'mpt_…')).toEqual([401, 'unauthorized']);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="mi-portal"/);
    }
  });

  it('takes the scheme in any case and surrounding blanks, as HTTP allows', async () => {
    for (const authorization of [`bearer ${token}`, `BEARER ${token}`, `Bearer  ${token}`, `Bearer\t${token}`]) {
      const res = check('GET', '/api/v1/systems', await wire('GET', '/api/v1/systems', { headers: { authorization } }));
      expect(res.status, JSON.stringify(authorization.replace(token, 'mpt_…'))).toBe(200);
    }
  });

});
