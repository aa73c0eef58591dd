import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { apiApp } from '../../src/api/api-app.ts';
import { SCOPE_EXTENSION } from '../../src/api/api-route.ts';
import { isApiScope } from '../../src/api/api-scopes.ts';
import { openApiDocument } from '../../src/api/openapi-document.ts';
import { HTTP_METHODS, operationsOf, type OpenApiDocumentShape, type ParameterObject } from '../../src/api/reference/openapi-shape.ts';

/**
 * The generated document is an OpenAPI 3.1 document a generator or linter
 * takes, checked against the rules of the 3.1 specification (the official
 * JSON Schema of OpenAPI is not in node_modules, so its rules are written
 * out here: fixed fields per object, response keys, parameters, references,
 * each schema a valid JSON Schema 2020-12), and it says what this API
 * promises for every operation: a summary, a tag, the scope, the bearer
 * scheme with that scope, and the problem answers a client must handle.
 * Generic over the document: every operation added later is checked too.
 */
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
// Typed for what the reference reads; `raw` for the parts only this test looks into (every component kind).
const raw = openApiDocument(apiApp()) as any;
const doc: OpenApiDocumentShape = raw;
const operations = operationsOf(doc);
const label = (o: { method: string; path: string }) => `${o.method.toUpperCase()} ${o.path}`;

const extension = (k: string) => k.startsWith('x-');
function onlyKeys(obj: object, allowed: readonly string[], where: string) {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k) && !extension(k));
  expect(extra, `${where}: fields OpenAPI 3.1 does not have`).toEqual([]);
}

const OPERATION_FIELDS = ['tags', 'summary', 'description', 'externalDocs', 'operationId', 'parameters', 'requestBody', 'responses', 'callbacks', 'deprecated', 'security', 'servers'];
const PATH_ITEM_FIELDS = ['$ref', 'summary', 'description', 'servers', 'parameters', ...HTTP_METHODS];
const MEDIA_RANGE = /^[\w.+-]+\/[\w.+*-]+(\s*;.*)?$/;

/** Every `$ref` in the document, with where it is. */
function refs(node: unknown, where = '#'): [string, string][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => refs(n, `${where}/${i}`));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [[v, where] as [string, string]] : refs(v, `${where}/${k}`)));
  }
  return [];
}

function pointerTarget(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((p) => decodeURIComponent(p).replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<any>((node, key) => (node === undefined ? undefined : node[key]), doc);
}

/** Every schema object of the document: components, parameters, bodies, responses, headers, webhooks. */
function schemasOf(): [string, unknown][] {
  const out: [string, unknown][] = Object.entries(doc.components?.schemas ?? {}).map(([n, s]) => [`#/components/schemas/${n}`, s]);
  const items = [...Object.entries(doc.paths).map(([p, i]) => [p, i] as const), ...Object.entries(doc.webhooks ?? {}).map(([e, i]) => [`webhook ${e}`, i] as const)];
  for (const [path, item] of items) {
    for (const method of HTTP_METHODS) {
      const op = (item as Record<string, any>)[method];
      if (!op) continue;
      const at = `${method.toUpperCase()} ${path}`;
      for (const p of op.parameters ?? []) if (p.schema) out.push([`${at} parameter ${p.name}`, p.schema]);
      for (const [t, m] of Object.entries<any>(op.requestBody?.content ?? {})) if (m.schema) out.push([`${at} body ${t}`, m.schema]);
      for (const [status, r] of Object.entries<any>(op.responses ?? {})) {
        for (const [t, m] of Object.entries<any>(r.content ?? {})) if (m.schema) out.push([`${at} ${status} ${t}`, m.schema]);
        for (const [h, d] of Object.entries<any>(r.headers ?? {})) if (d.schema) out.push([`${at} ${status} header ${h}`, d.schema]);
      }
    }
  }
  return out;
}

describe('the OpenAPI document, as OpenAPI 3.1', () => {
  it('has the required top-level fields and no others', () => {
    onlyKeys(doc, ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs'], 'document');
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    onlyKeys(doc.info, ['title', 'summary', 'description', 'termsOfService', 'contact', 'license', 'version'], 'info');
    for (const s of doc.servers ?? []) expect(typeof s.url).toBe('string');
    for (const key of Object.keys(doc.components ?? {})) {
      expect(['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems']).toContain(key);
      for (const name of Object.keys(raw.components[key])) expect(name, `components.${key}`).toMatch(/^[a-zA-Z0-9._-]+$/);
    }
    const tags = (doc.tags ?? []).map((t: { name: string }) => t.name);
    expect(new Set(tags).size, 'tags listed twice').toBe(tags.length);
  });

  it('has paths that start with / and path items with only their fields', () => {
    expect(operations.length).toBeGreaterThan(0);
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\//);
      onlyKeys(item, PATH_ITEM_FIELDS, path);
    }
    // Two templates that differ only in their parameters' names are the same path to OpenAPI.
    const shapes = Object.keys(doc.paths).map((p) => p.replace(/\{[^}]+\}/g, '{}'));
    expect(shapes.filter((s, i) => shapes.indexOf(s) !== i), 'paths the same but for parameter names').toEqual([]);
  });

  it('gives each operation valid fields, unique operationIds, and responses keyed by status with a description', () => {
    const ids = operations.map((o) => o.op.operationId).filter((id): id is string => id !== undefined);
    expect(new Set(ids).size, 'an operationId used twice').toBe(ids.length);
    for (const o of operations) {
      const where = label(o);
      onlyKeys(o.op, OPERATION_FIELDS, where);
      expect(Object.keys(o.op.responses).length, `${where}: no responses`).toBeGreaterThan(0);
      for (const [status, r] of Object.entries(o.op.responses)) {
        expect(status, where).toMatch(/^([1-5](\d\d|XX)|default)$/);
        onlyKeys(r, ['description', 'headers', 'content', 'links'], `${where} ${status}`);
        expect(typeof r.description, `${where} ${status}: description`).toBe('string');
        for (const t of Object.keys(r.content ?? {})) expect(t, `${where} ${status}`).toMatch(MEDIA_RANGE);
      }
      if (o.op.requestBody) {
        onlyKeys(o.op.requestBody, ['description', 'content', 'required'], `${where} requestBody`);
        expect(o.op.requestBody.content, `${where}: requestBody.content`).toBeDefined();
        for (const t of Object.keys(o.op.requestBody.content!)) expect(t).toMatch(MEDIA_RANGE);
      }
    }
  });

  it('declares every path parameter of every template, required, and no parameter twice', () => {
    for (const o of operations) {
      const where = label(o);
      const params: ParameterObject[] = [...((doc.paths[o.path] as any).parameters ?? []), ...(o.op.parameters ?? [])];
      for (const p of params) {
        onlyKeys(p, ['name', 'in', 'description', 'required', 'deprecated', 'allowEmptyValue', 'style', 'explode', 'allowReserved', 'schema', 'example', 'examples', 'content'], `${where} ${p.name}`);
        expect(['query', 'header', 'path', 'cookie'], `${where} ${p.name}`).toContain(p.in);
        expect('schema' in p !== 'content' in p, `${where} ${p.name}: schema or content, one of them`).toBe(true);
        if (p.in === 'path') expect(p.required, `${where}: path parameter ${p.name} must be required`).toBe(true);
      }
      const keys = params.map((p) => `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i), `${where}: a parameter declared twice`).toEqual([]);
      const inTemplate = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).sort();
      const declared = params.filter((p) => p.in === 'path').map((p) => p.name).sort();
      expect(declared, `${where}: path parameters declared vs. in the template`).toEqual(inTemplate);
    }
  });

  it('resolves every $ref inside the document', () => {
    const broken = refs(doc).filter(([ref]) => pointerTarget(ref) === undefined);
    expect(broken, 'references to nothing').toEqual([]);
  });

  it('has schemas that are valid JSON Schema 2020-12 (the 3.1 dialect)', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi.json', components: doc.components ?? {} } as object);
    const rebase = (s: unknown): unknown =>
      Array.isArray(s) ? s.map(rebase) : s && typeof s === 'object' ? Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi.json${v}` : rebase(v)])) : s;
    const all = schemasOf();
    expect(all.length).toBeGreaterThan(0);
    all.forEach(([where, schema], i) => {
      expect(ajv.validateSchema(schema as object), `${where}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
      expect(() => ajv.compile({ $id: `s${i}`, ...(rebase(schema) as object) }), where).not.toThrow();
    });
  });

  it('names only security schemes it defines, and each webhook is a path item with a JSON body', () => {
    const schemes = raw.components?.securitySchemes ?? {};
    for (const [name, s] of Object.entries<any>(schemes)) {
      expect(['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'], name).toContain(s.type);
      if (s.type === 'http') expect(typeof s.scheme).toBe('string');
    }
    for (const o of operations) for (const req of o.op.security ?? []) for (const name of Object.keys(req)) expect(Object.keys(schemes), label(o)).toContain(name);
    for (const [event, item] of Object.entries(doc.webhooks ?? {})) {
      onlyKeys(item, PATH_ITEM_FIELDS, `webhook ${event}`);
      const op = (item as any).post;
      expect(op, `webhook ${event}: a post`).toBeDefined();
      expect(op.requestBody?.content?.['application/json']?.schema, `webhook ${event}: its body's schema`).toBeDefined();
      expect(Object.keys(op.responses ?? {}).length, `webhook ${event}: responses`).toBeGreaterThan(0);
    }
  });
});

describe('the OpenAPI document, as this API promises', () => {
  it('gives every operation a summary, a tag, its scope, the bearer scheme with that scope, and the problem answers', () => {
    for (const o of operations) {
      const where = label(o);
      expect(o.op.summary?.trim(), `${where}: summary`).toBeTruthy();
      expect(o.op.tags?.length, `${where}: tag`).toBeGreaterThan(0);
      const scope = o.op[SCOPE_EXTENSION];
      expect(scope && isApiScope(scope), `${where}: ${SCOPE_EXTENSION} is one of the scopes`).toBe(true);
      expect(o.op.security, `${where}: security`).toEqual([{ bearerToken: [scope] }]);
      for (const status of ['401', '403', '422', '500']) {
        const r = o.op.responses[status];
        expect(r, `${where}: ${status} documented`).toBeDefined();
        expect(r!.content?.['application/problem+json']?.schema, `${where}: ${status} is problem+json`).toEqual({ $ref: '#/components/schemas/Problem' });
      }
      const successes = Object.keys(o.op.responses).filter((s) => s.startsWith('2'));
      expect(successes.length, `${where}: a success answer`).toBeGreaterThan(0);
      for (const s of successes) for (const t of Object.keys(o.op.responses[s]!.content ?? {})) expect(t, `${where} ${s}`).toBe('application/json');
    }
  });

  it('documents an Idempotency-Key header on every POST, and a JSON body on every operation that takes one', () => {
    for (const o of operations) {
      if (o.method === 'post') expect((o.op.parameters ?? []).some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'), `${label(o)}: Idempotency-Key`).toBe(true);
      if (o.op.requestBody) expect(Object.keys(o.op.requestBody.content ?? {}), label(o)).toEqual(['application/json']);
      if (o.method === 'get' || o.method === 'delete') expect(o.op.requestBody, `${label(o)}: a body on ${o.method}`).toBeUndefined();
    }
  });
});
