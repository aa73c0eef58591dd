import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, type ApiScope } from '../../src/api/api-scopes.ts';
import { operationsOf, type LocatedOperation, type OpenApiDocumentShape } from '../../src/api/reference/openapi-shape.ts';
import { startApiPortal, type ApiClient, type ApiPortal } from '../api-client.ts';
import { exampleFixtures, exampleFor, OPERATION_EXAMPLES, type ExampleFixtures } from './operation-examples.ts';
import { changedTables, writtenState } from './written-state.ts';

/**
 * Token scope × operation, over real HTTP, for every operation the served
 * document lists (both databases: the suite runs on each). A token with
 * any single other scope, and one with every scope but the needed one, is
 * refused with 403 insufficient-scope and nothing changes; a token with
 * only the needed scope gets a success. Each operation's request is its
 * valid example, so a refusal is the scope's doing, not the input's.
 */
let portal: ApiPortal;
let fixtures: ExampleFixtures;
let operations: LocatedOperation[];
const clients = new Map<string, ApiClient>();

async function clientWith(scopes: readonly ApiScope[]): Promise<ApiClient> {
  const key = [...scopes].sort().join(' ');
  if (!clients.has(key)) clients.set(key, await portal.client(scopes, `matriz ${key}`));
  return clients.get(key)!;
}

beforeAll(async () => {
  portal = await startApiPortal({ withHelp: true });
  fixtures = await exampleFixtures(portal.rt.deps);
  operations = operationsOf(portal.checker.doc as unknown as OpenApiDocumentShape);
});
afterAll(() => portal.close());

describe('the scope matrix', () => {
  it('covers every operation of the document, each with one of the five scopes, and keeps no example of an operation that is gone', () => {
    expect(operations.length).toBeGreaterThan(0);
    for (const o of operations) {
      exampleFor(o.method, o.path);
      expect(API_SCOPES, `${o.method.toUpperCase()} ${o.path}`).toContain(o.op['x-required-scope']);
    }
    const documented = new Set(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`));
    expect(Object.keys(OPERATION_EXAMPLES).filter((k) => !documented.has(k)), 'examples in tests/api/operation-examples.ts for operations the document no longer has').toEqual([]);
  });

  it('refuses every operation to a token without its scope (403, nothing changed), and lets a token with only that scope through', async () => {
    for (const o of operations) {
      const where = `${o.method.toUpperCase()} ${o.path}`;
      const needed = o.op['x-required-scope'] as ApiScope;
      const example = exampleFor(o.method, o.path);
      const others = API_SCOPES.filter((s) => s !== needed);
      const refusedWith: ApiScope[][] = [...others.map((s) => [s]), others];
      for (const scopes of refusedWith) {
        const req = await example(fixtures);
        const client = await clientWith(scopes);
        const before = await writtenState(portal.rt.deps);
        const res = await client.call(o.method.toUpperCase(), req.path, { body: req.body, headers: req.headers });
        const after = await writtenState(portal.rt.deps);
        expect(res.status, `${where} with [${scopes.join(', ')}]`).toBe(403);
        expect(res.body, `${where} with [${scopes.join(', ')}]`).toMatchObject({ code: 'insufficient-scope', status: 403 });
        expect(res.body.detail, where).toContain(needed);
        expect(changedTables(before, after), `${where} with [${scopes.join(', ')}] changed something`).toEqual({});
      }
      const req = await example(fixtures);
      const res = await (await clientWith([needed])).call(o.method.toUpperCase(), req.path, { body: req.body, headers: req.headers });
      expect(res.status, `${where} with [${needed}] (its example should succeed: ${res.text.slice(0, 300)})`).toBeGreaterThanOrEqual(200);
      expect(res.status, `${where} with [${needed}]: ${res.text.slice(0, 300)}`).toBeLessThan(300);
    }
  });

  it('refuses a token without the scope even when the body is invalid: the scope is checked before the input', async () => {
    for (const o of operations.filter((x) => x.op.requestBody)) {
      const needed = o.op['x-required-scope'] as ApiScope;
      const req = await exampleFor(o.method, o.path)(fixtures);
      const client = await clientWith(API_SCOPES.filter((s) => s !== needed));
      const res = await client.call(o.method.toUpperCase(), req.path, { body: { nada: 'de esto sirve' }, headers: req.headers });
      expect(res.status, `${o.method.toUpperCase()} ${o.path}`).toBe(403);
    }
  });

  it('passes a token with every scope through every operation', async () => {
    const all = await clientWith(API_SCOPES);
    for (const o of operations) {
      const req = await exampleFor(o.method, o.path)(fixtures);
      const res = await all.call(o.method.toUpperCase(), req.path, { body: req.body, headers: req.headers });
      expect(res.status, `${o.method.toUpperCase()} ${o.path}: ${res.text.slice(0, 300)}`).toBeLessThan(300);
    }
  });
});
