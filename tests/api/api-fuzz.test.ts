import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES } from '../../src/api/api-scopes.ts';
import { PROBLEM_CODES, isProblemCode, problemAnchor } from '../../src/api/problem-codes.ts';
import { operationsOf, type LocatedOperation, type OpenApiDocumentShape } from '../../src/api/reference/openapi-shape.ts';
import { resolverOf } from '../../src/api/reference/schema-rows.ts';
import { startApiPortal, type ApiClient, type ApiPortal, type ApiResponse } from '../api-client.ts';
import { bodyText, pathSegment, queryString, randomHeaders } from './fuzz-arbitraries.ts';
import { exampleFixtures, exampleFor, type ExampleFixtures } from './operation-examples.ts';

/**
 * Every operation of the served document with random input, over real
 * HTTP with a token that has every scope: bodies from the operation's
 * schema and junk (wrong types, huge strings, deep nesting, unicode, nulls,
 * extra keys, not JSON at all), random path segments and query strings,
 * random Idempotency-Key, If-Match, Content-Type and Content-Encoding.
 * Never a 500; every answer is one the document declares for the
 * operation, with a body its schema accepts (tests/api-client.ts checks
 * that), and every error a problem whose code the reference explains.
 *
 * Bounded by time, not by count: about 45 s in all on SQLite and 30 s on
 * PostgreSQL (FUZZ_SECONDS overrides), shared among the operations, at
 * least 1.5 s each (creating a customer or a user hashes a password: slow on
 * purpose, so those see fewer runs).
 */
const onPostgres = (process.env.DATABASE_URL ?? '').startsWith('postgres');
const TOTAL_MS = Number(process.env.FUZZ_SECONDS ?? (onPostgres ? 30 : 45)) * 1000;

let portal: ApiPortal;
let client: ApiClient;
let fixtures: ExampleFixtures;
let operations: LocatedOperation[];
let doc: OpenApiDocumentShape;
const codesSeen = new Map<string, Set<number>>();

beforeAll(async () => {
  // Thousands of calls with one token: its rate limit is not what is under test here.
  portal = await startApiPortal({ withHelp: true, env: { API_RATE_LIMIT_PER_MINUTE: '100000', API_RATE_LIMIT_BURST: '0' } });
  client = await portal.client(API_SCOPES, 'fuzz');
  fixtures = await exampleFixtures(portal.rt.deps);
  doc = portal.checker.doc as unknown as OpenApiDocumentShape;
  operations = operationsOf(doc);
});
afterAll(() => portal.close());

/** What every answer must be, beyond matching the document (the client checks that). */
function checkAnswer(where: string, res: ApiResponse): void {
  expect(res.status, `${where}: ${res.text.slice(0, 400)}`).not.toBe(500);
  expect(res.status, where).toBeLessThan(500 + (res.status === 503 ? 1 : 0));
  if (res.status < 400) return;
  expect(res.headers.get('content-type'), where).toBe('application/problem+json');
  const body = res.body as { code: string; status: number; type: string };
  expect(body.status, where).toBe(res.status);
  expect(isProblemCode(body.code), `${where}: code «${body.code}» is not in src/api/problem-codes.ts (the reference explains each code there)`).toBe(true);
  expect(body.type, where).toBe(`/api/v1/docs#${problemAnchor(body.code)}`);
  if (!codesSeen.has(body.code)) codesSeen.set(body.code, new Set());
  codesSeen.get(body.code)!.add(res.status);
}

/** The example's path cut where the template has parameters: [literal, param example, literal, …]. */
function pathPieces(template: string, examplePath: string): { literals: string[]; values: string[]; query: string } {
  const [bare, query = ''] = examplePath.split('?');
  const tSegs = template.split('/');
  const eSegs = bare!.split('/');
  // "/customers/{rut}/disable" → literals ["/customers/", "/disable"], values [the example's RUT].
  const literals: string[] = [];
  const values: string[] = [];
  let current = '';
  tSegs.forEach((seg, i) => {
    if (i > 0) current += '/';
    if (/^\{[^}]+\}$/.test(seg)) {
      literals.push(current);
      values.push(eSegs[i]!);
      current = '';
    } else current += seg;
  });
  literals.push(current);
  return { literals, values, query: query ? `?${query}` : '' };
}

describe('the API under random input', () => {
  it('has operations to fuzz, each with an example', () => {
    expect(operations.length).toBeGreaterThan(0);
    for (const o of operations) exampleFor(o.method, o.path);
  });

  it('answers every operation\'s random requests with documented statuses and problems, never a 500', async () => {
    const resolve = resolverOf(doc);
    const perOperationMs = Math.max(1500, Math.floor(TOTAL_MS / operations.length));
    const runs: string[] = [];
    for (const o of operations) {
      const method = o.method.toUpperCase();
      const where = `${method} ${o.path}`;
      const example = await exampleFor(o.method, o.path)(fixtures);
      const { literals, values, query } = pathPieces(o.path, example.path);
      const queryNames = (o.op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const schema = o.op.requestBody?.content?.['application/json']?.schema;
      const takesBody = o.op.requestBody !== undefined;
      const arbitrary = fc.record({
        segments: fc.tuple(...values.map((v) => pathSegment(v))),
        query: fc.oneof(fc.constant(query), queryString(queryNames)),
        // fetch sends no body with GET or HEAD; a DELETE may carry one the API must ignore or refuse.
        body: takesBody ? bodyText(schema, resolve, example.body) : method === 'GET' || method === 'HEAD' ? fc.constant(undefined) : fc.option(bodyText(undefined, resolve, {}), { freq: 4 }),
        headers: randomHeaders,
      });
      const details = await fc.check(
        fc.asyncProperty(arbitrary, async ({ segments, query: q, body, headers }) => {
          const path = literals.map((l, i) => l + (i < segments.length ? segments[i] : '')).join('') + q;
          const res = await client.call(method, path, { ...(body !== undefined && body !== null ? { raw: body } : {}), headers }).catch((err: Error) => {
            throw new Error(`${method} ${path.slice(0, 200)}: ${err.message} (${String((err.cause as Error | undefined)?.message ?? '')})`);
          });
          checkAnswer(`${where} as ${method} ${path.slice(0, 200)} ${JSON.stringify(headers).slice(0, 200)} body ${String(body).slice(0, 200)}`, res);
        }),
        { numRuns: 100_000, interruptAfterTimeLimit: perOperationMs, markInterruptAsFailure: false },
      );
      if (details.failed) throw new Error(`${where}: ${fc.defaultReportMessage(details)}\n${String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance)}`);
      // Enough runs to mean something even on a slow machine.
      expect(details.numRuns, `${where}: too few runs in ${perOperationMs} ms`).toBeGreaterThanOrEqual(10);
      runs.push(`${where}: ${details.numRuns}`);
    }
    console.info(`fuzz runs per operation: ${runs.join('; ')}`);
    expect(runs).toHaveLength(operations.length);
  }, TOTAL_MS + 120_000);

  it('gave only problem codes the reference explains, each with a status the list gives it', () => {
    for (const [code, statuses] of codesSeen) {
      for (const status of statuses) expect(PROBLEM_CODES[code as keyof typeof PROBLEM_CODES].statuses as readonly number[], `${code} answered with ${status}`).toContain(status);
    }
    // With an operation that takes a body, a wide fuzz must reach the parser, the media type check and the validators.
    if (operations.some((o) => o.op.requestBody)) {
      for (const code of ['validation', 'malformed-json', 'unsupported-media-type']) expect([...codesSeen.keys()], `never answered ${code}`).toContain(code);
    }
  });
});
