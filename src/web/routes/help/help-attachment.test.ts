import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, location } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from '../../../../tests/factories.ts';
import { limitHelpTo, NOT_FOUND, setPublished, signedIn } from '../../../../tests/help-fixtures.ts';
import { createTestRuntime, TEST_START, type TestRuntime } from '../../../../tests/test-runtime.ts';
import { HELP_DIR } from '../../../demo/seed-demo.ts';

// The shipped corpus's files, served under their article's URL to the people
// who may read the article, and to nobody else.

const ARTICLE = '/ayuda/contabilidad/importar-plan-de-cuentas';
const PNG_URL = `${ARTICLE}/adjuntos/imagenes/importar-plan-de-cuentas.png`;
const CSV_URL = `${ARTICLE}/adjuntos/archivos/plantilla-plan-de-cuentas.csv`;
const PNG_FILE = readFileSync(join(HELP_DIR, 'contabilidad/primeros-pasos/imagenes/importar-plan-de-cuentas.png'));
const CSV_FILE = readFileSync(join(HELP_DIR, 'contabilidad/primeros-pasos/archivos/plantilla-plan-de-cuentas.csv'));
const etagOf = (data: Buffer) => `"${createHash('sha256').update(data).digest('hex')}"`;

let rt: TestRuntime;
/** Contabilidad and inventario in force. */
let customer: TestCustomer;
let admin: TestClient;

beforeAll(async () => {
  rt = await createTestRuntime();
  customer = await createCustomerWithAdmin(rt.deps);
  await addContractFor(rt.deps, customer.id, 'contabilidad', '2025-01-01');
  await addContractFor(rt.deps, customer.id, 'inventario', '2025-01-01');
  admin = await signedIn(rt, customer);
});
afterAll(() => rt.close());
beforeEach(() => {
  rt.clock.set(TEST_START);
});

async function expectNotFound(client: TestClient, path: string) {
  const res = await client.get(path);
  expect(res.status, path).toBe(404);
  const body = await res.text();
  expect(body).toContain(NOT_FOUND);
  expect(res.headers.get('content-type')).toContain('text/html');
  expect(res.headers.get('etag')).toBeNull();
}

describe('an article’s files', () => {
  it('serves the image inline, byte for byte, privately, with its length, ETag and nosniff', async () => {
    const res = await admin.get(PNG_URL);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-length')).toBe(String(PNG_FILE.length));
    expect(res.headers.get('cache-control')).toMatch(/^private\b/);
    expect(res.headers.get('cache-control')).not.toContain('public');
    expect(res.headers.get('etag')).toBe(etagOf(PNG_FILE));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''importar-plan-de-cuentas.png");
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG_FILE)).toBe(true);
  });

  it('serves the CSV as a download, with its UTF-8 text type', async () => {
    const res = await admin.get(CSV_URL);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-length')).toBe(String(CSV_FILE.length));
    expect(res.headers.get('cache-control')).toMatch(/^private\b/);
    expect(res.headers.get('etag')).toBe(etagOf(CSV_FILE));
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''plantilla-plan-de-cuentas.csv");
    expect(await res.text()).toBe(CSV_FILE.toString('utf8'));
  });

  it('answers 304 without a body when the browser has the same version, and asks the browser to check back each time', async () => {
    for (const [url, file] of [[PNG_URL, PNG_FILE], [CSV_URL, CSV_FILE]] as const) {
      const res = await admin.get(url, { 'if-none-match': etagOf(file) });
      expect(res.status, url).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(etagOf(file));
      expect(res.headers.get('cache-control')).toBe('private, no-cache');
      // Another version: the whole file again.
      const changed = await admin.get(url, { 'if-none-match': '"otra-version"' });
      expect(changed.status).toBe(200);
      expect(Buffer.from(await changed.arrayBuffer()).equals(file)).toBe(true);
    }
  });

  it('lets a technical user of the customer download them (allowed)', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    const client = await signedIn(rt, customer, tech.email, tech.password);
    expect((await client.get(PNG_URL)).status).toBe(200);
    expect((await client.get(CSV_URL)).status).toBe(200);
  });

  it('sends a signed-out request to sign in', async () => {
    const res = await new TestClient(rt).get(PNG_URL);
    expect(res.status).toBe(303);
    expect(location(res)).toBe(`/ingresar?volver=${encodeURIComponent(PNG_URL)}`);
  });

  it('answers 404 to a technical user whose scope leaves the system out, even with the right ETag (forbidden)', async () => {
    const tech = await createTechnicalUser(rt.deps, customer.id);
    await limitHelpTo(rt, tech.id, ['inventario']);
    const client = await signedIn(rt, customer, tech.email, tech.password);
    await expectNotFound(client, PNG_URL);
    await expectNotFound(client, CSV_URL);
    expect((await client.get(PNG_URL, { 'if-none-match': etagOf(PNG_FILE) })).status).toBe(404);
    // Their own system's files open.
    expect((await client.get('/ayuda/inventario/traspasos-entre-bodegas/adjuntos/imagenes/traspaso-entre-bodegas.png')).status).toBe(200);
  });

  it('answers 404 to another customer without that contract, the same URL, and to one whose contract ended (other customer)', async () => {
    const other = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, other.id, 'inventario', '2025-01-01');
    const ended = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, ended.id, 'contabilidad', '2024-01-01', '2026-03-01');
    for (const c of [other, ended]) {
      const client = await signedIn(rt, c);
      await expectNotFound(client, PNG_URL);
      await expectNotFound(client, CSV_URL);
      expect((await client.get(PNG_URL, { 'if-none-match': etagOf(PNG_FILE) })).status).toBe(404);
    }
  });

  it('answers 404 to paths that leave the article’s files, encoded or not', async () => {
    for (const path of [
      `${ARTICLE}/adjuntos/..%2F..%2Fcierre-e-impuestos%2Fimagenes%2Fbalance-8-columnas.png`,
      `${ARTICLE}/adjuntos/..%2Fimagenes%2Fimportar-plan-de-cuentas.png`,
      `${ARTICLE}/adjuntos/imagenes%2F..%2Fimagenes%2Fimportar-plan-de-cuentas.png`,
      `${ARTICLE}/adjuntos/imagenes/..%2Fimagenes/importar-plan-de-cuentas.png`,
      `${ARTICLE}/adjuntos/..%2F..%2F..%2F..%2F..%2Fpackage.json`,
      `${ARTICLE}/adjuntos/%2E%2E%2Fimportar-plan-de-cuentas.md`,
      `${ARTICLE}/adjuntos/..%5Cimagenes%5Cimportar-plan-de-cuentas.png`,
      `${ARTICLE}/adjuntos/imagenes/importar-plan-de-cuentas.png%00.csv`,
      `${ARTICLE}/adjuntos/%E0%A4%A`,
      `${ARTICLE}/adjuntos/`,
      // Another article's file through this article's URL, and the other way round.
      `${ARTICLE}/adjuntos/imagenes/balance-8-columnas.png`,
      '/ayuda/contabilidad/balance-general/adjuntos/archivos/plantilla-plan-de-cuentas.csv',
      // Another system's article under an open system's URL.
      '/ayuda/contabilidad/traspasos-entre-bodegas/adjuntos/imagenes/traspaso-entre-bodegas.png',
    ]) {
      await expectNotFound(admin, path);
    }
  });

  it('answers 404 for the files of an unpublished article', async () => {
    const url = '/ayuda/contabilidad/balance-general/adjuntos/imagenes/balance-8-columnas.png';
    expect((await admin.get(url)).status).toBe(200);
    await setPublished(rt, 'contabilidad', 'balance-general', false);
    try {
      await expectNotFound(admin, url);
    } finally {
      await setPublished(rt, 'contabilidad', 'balance-general', true);
    }
    expect((await admin.get(url)).status).toBe(200);
  });
});
