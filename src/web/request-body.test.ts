import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../tests/client.ts';
import { createCustomerWithAdmin, type TestCustomer } from '../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { FORM_BODY_LIMIT } from './request-body.ts';

// What a POST may carry, through the whole app on both databases: the type,
// size and Origin are refused before the body is read (a stream counts what
// was pulled from it), a malformed body is a 400, and no refusal leaves a
// session, an audit row or a throttle count behind.

let rt: TestRuntime;
let customer: TestCustomer;

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  customer = await createCustomerWithAdmin(rt.deps);
});
afterAll(() => rt.close());

const CHUNK = 16 * 1024;

/** A body that counts what is pulled from it: `total` bytes, or without end. */
function countingBody(total: number | 'endless', fill = 0x61) {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (total !== 'endless' && counter.pulled >= total) return controller.close();
        const size = total === 'endless' ? CHUNK : Math.min(CHUNK, total - counter.pulled);
        counter.pulled += size;
        controller.enqueue(new Uint8Array(size).fill(fill));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

async function signedOutClient() {
  const client = new TestClient(rt);
  await client.get('/ingresar');
  return client;
}

function cookieOf(client: TestClient) {
  return [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function post(client: TestClient, body: BodyInit, headers: Record<string, string>, path = '/ingresar') {
  return rt.app.request(path, { method: 'POST', body, headers: { cookie: cookieOf(client), 'x-forwarded-for': '198.51.100.200', ...headers }, duplex: 'half' } as RequestInit);
}

const FORM = 'application/x-www-form-urlencoded';

function signInFields(client: TestClient, extra: Record<string, string> = {}) {
  return new URLSearchParams({ _csrf: client.cookies.get('csrf')!, rut: customer.rut, email: customer.admin.email, password: customer.admin.password, ...extra }).toString();
}

async function rows() {
  const count = async (table: 'sessions' | 'audit_events' | 'throttles') =>
    Number((await rt.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { sessions: await count('sessions'), audit: await count('audit_events'), throttles: await count('throttles') };
}

describe('request bodies', () => {
  it('answers a 50 MB form 413 from its Content-Length, in Spanish, without reading it', async () => {
    const client = await signedOutClient();
    const before = await rows();
    const { stream, counter } = countingBody(50 * 1024 * 1024);
    const res = await post(client, stream, { 'content-type': FORM, 'content-length': String(50 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('Lo enviado supera el tamaño que acepta este formulario');
    expect(res.headers.get('connection')).toBe('close');
    expect(counter.pulled).toBe(0);
    expect(await rows()).toEqual(before);
  });

  it('stops reading an endless chunked body at the limit and answers 413', async () => {
    const client = await signedOutClient();
    const { stream, counter } = countingBody('endless');
    const res = await post(client, stream, { 'content-type': FORM });
    expect(res.status).toBe(413);
    expect(counter.pulled).toBeGreaterThan(FORM_BODY_LIMIT);
    expect(counter.pulled).toBeLessThanOrEqual(FORM_BODY_LIMIT + CHUNK);
  });

  it('refuses a real sign-in padded past the limit: 413, and no session, audit row or throttle count', async () => {
    const client = await signedOutClient();
    const before = await rows();
    const res = await post(client, signInFields(client, { relleno: 'x'.repeat(FORM_BODY_LIMIT) }), { 'content-type': FORM });
    expect(res.status).toBe(413);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('sid='))).toBe(false);
    expect(await rows()).toEqual(before);
  });

  it('takes a form just under the limit', async () => {
    const client = await signedOutClient();
    const body = signInFields(client, { relleno: 'x'.repeat(FORM_BODY_LIMIT - 500) });
    expect(body.length).toBeLessThanOrEqual(FORM_BODY_LIMIT);
    const res = await post(client, body, { 'content-type': `${FORM}; charset=UTF-8` });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/servicios');
  });

  it.each([
    ['text/plain'],
    ['application/json'],
    ['multipart/form-data; boundary=x'],
    ['application/x-www-form-urlencoded-evil'],
    [`${FORM}; charset=iso-8859-1`],
    [''],
  ])('answers 415 to the content type %j before reading the body', async (type) => {
    const client = await signedOutClient();
    const before = await rows();
    const { stream, counter } = countingBody(4096);
    const res = await post(client, stream, type ? { 'content-type': type } : {});
    expect(res.status).toBe(415);
    expect(await res.text()).toContain('El portal sólo acepta formularios enviados desde sus propias páginas');
    expect(counter.pulled).toBe(0);
    expect(await rows()).toEqual(before);
  });

  it('answers 415 to a compressed body', async () => {
    const client = await signedOutClient();
    const res = await post(client, signInFields(client), { 'content-type': FORM, 'content-encoding': 'gzip' });
    expect(res.status).toBe(415);
  });

  it('answers multipart bodies, well-formed or not, with 415 and never a 500: no page uploads files', async () => {
    const client = await signedOutClient();
    const csrf = client.cookies.get('csrf')!;
    const wellFormed = `--b\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--b--\r\n`;
    const cases: Array<[string, string]> = [
      ['multipart/form-data; boundary=b', wellFormed],
      ['multipart/form-data', wellFormed], // no boundary
      ['multipart/form-data; boundary=b', wellFormed.slice(0, 40)], // cut short
      ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n\u0000\u0001'],
      ['multipart/form-data; boundary="', 'garbage'],
      ['multipart/form-data; boundary=' + 'b'.repeat(5000), wellFormed],
    ];
    for (const [type, body] of cases) {
      const res = await post(client, body, { 'content-type': type });
      expect(res.status, `${type.slice(0, 60)} ${JSON.stringify(body.slice(0, 30))}`).toBe(415);
    }
  });

  it('answers 400 to a form that is not UTF-8, and to one that breaks off half-way', async () => {
    const client = await signedOutClient();
    const before = await rows();
    const latin1 = Buffer.concat([Buffer.from(`${signInFields(client)}&nombre=`), Buffer.from([0xd1, 0x61, 0xf1, 0x75])]);
    const bad = await post(client, latin1, { 'content-type': FORM });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('No pudimos leer el formulario enviado');

    let sent = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ === 0) controller.enqueue(new TextEncoder().encode(signInFields(client)));
        else controller.error(new Error('connection reset'));
      },
    });
    expect((await post(client, broken, { 'content-type': FORM })).status).toBe(400);
    expect(await rows()).toEqual(before);
  });

  it('reads a stray "%" as the text it is, not as an error', async () => {
    const client = await signedOutClient();
    const res = await post(client, `${signInFields(client)}&nombre=100%25%&x=%E0%A4%A`, { 'content-type': FORM });
    expect(res.status).toBe(303);
  });

  it('checks the Origin before reading anything', async () => {
    const client = await signedOutClient();
    const { stream, counter } = countingBody(4096);
    const res = await post(client, stream, { 'content-type': FORM, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(counter.pulled).toBe(0);
  });

  it('applies to every form, signed in or not: a signed-in POST past the limit changes nothing', async () => {
    const client = new TestClient(rt);
    expect((await client.signIn(customer.rut, customer.admin.email, customer.admin.password)).status).toBe(303);
    const before = await rows();
    const body = new URLSearchParams({ _csrf: client.cookies.get('csrf')!, nombre: 'x'.repeat(FORM_BODY_LIMIT) }).toString();
    expect((await post(client, body, { 'content-type': FORM }, '/usuarios/nuevo')).status).toBe(413);
    expect((await post(client, body, { 'content-type': 'text/plain' }, '/cuenta/cerrar-otras')).status).toBe(415);
    expect(await rows()).toEqual(before);
  });
});
