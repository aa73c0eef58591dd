import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';
import { cliOperator } from '../src/auth/principal.ts';
import { createApiToken } from '../src/api/tokens/create-api-token.ts';
import type { ApiScope } from '../src/api/api-scopes.ts';
import { API_SCOPES } from '../src/api/api-scopes.ts';
import { isProblemCode, PROBLEM_CODES, problemAnchor, type ProblemCode } from '../src/api/problem-codes.ts';
import { PROBLEM_TYPE } from '../src/api/problem.ts';
import { startHttpPortal, type HttpPortal } from './http-portal.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/**
 * The API over real HTTP (node:http and fetch), every answer checked
 * against the portal's own OpenAPI document: a status the operation does
 * not declare, a content type it does not declare, or a body its schema
 * refuses fails the test. The document is fetched from the running portal.
 */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

type OpenApiDoc = { paths: Record<string, Record<string, { responses: Operation['responses'] }>>; components?: { schemas?: Record<string, unknown> } };

export class OpenApiChecker {
  private readonly ajv: Ajv2020;
  private readonly operations: Operation[];
  private readonly validators = new Map<unknown, ValidateFunction>();

  constructor(readonly doc: OpenApiDoc) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    // Schemas refer to components as "#/components/schemas/X": the whole document is one schema resource.
    this.ajv.addSchema({ $id: 'openapi.json', components: doc.components ?? {} } as object);
    this.operations = [];
    for (const [template, methods] of Object.entries(doc.paths)) {
      const regex = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const [method, op] of Object.entries(methods)) this.operations.push({ method: method.toUpperCase(), template, regex, responses: op.responses });
    }
  }

  /** The documented operation for a request, or undefined (then only a problem+json 404/401 is acceptable). */
  operationOf(method: string, path: string): Operation | undefined {
    const bare = path.split('?')[0]!;
    // A literal segment wins over a {param} (GET /contracts/ending before /contracts/{id}).
    const matches = this.operations.filter((o) => o.method === method && o.regex.test(bare));
    return matches.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))[0];
  }

  check(method: string, path: string, res: { status: number; headers: Headers; body: unknown }): void {
    const op = this.operationOf(method, path);
    const where = `${method} ${path} → ${res.status}`;
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!op) {
      expect([401, 404, 405], `${where}: no documented operation`).toContain(res.status);
      expect(type, where).toBe('application/problem+json');
      checkProblemCode(where, res.status, res.body);
      return;
    }
    const declared = op.responses[String(res.status)] ?? op.responses.default;
    expect(declared, `${where}: status not in the document (${Object.keys(op.responses).join(', ')})`).toBeDefined();
    if (!declared!.content) {
      expect(res.body === undefined || res.body === '' || res.body === null, `${where}: body where none is documented`).toBe(true);
      return;
    }
    const media = declared!.content[type];
    expect(media, `${where}: content type ${type} not documented (${Object.keys(declared!.content).join(', ')})`).toBeDefined();
    if (!media!.schema) return;
    let validate = this.validators.get(media!.schema);
    if (!validate) {
      validate = this.ajv.compile({ $id: `r${this.validators.size}`, ...rebase(media!.schema) } as object);
      this.validators.set(media!.schema, validate);
    }
    const ok = validate(res.body);
    expect(ok, `${where}: body does not match the document: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 500)}`).toBe(true);
    if (type === PROBLEM_TYPE) checkProblemCode(where, res.status, res.body);
  }
}

/** A problem's code is one the reference explains (src/api/problem-codes.ts), with that status, and its `type` points there. */
function checkProblemCode(where: string, status: number, body: unknown): void {
  const { code, type } = body as { code: string; type: string };
  expect(isProblemCode(code), `${where}: problem code «${code}» is not in src/api/problem-codes.ts (each code the API answers needs its section in the reference)`).toBe(true);
  expect(PROBLEM_CODES[code as ProblemCode].statuses as readonly number[], `${where}: «${code}» with status ${status}: add the status to its entry in src/api/problem-codes.ts`).toContain(status);
  expect(type, where).toBe(`/api/v1/docs#${problemAnchor(code)}`);
}

/** "#/components/…" refs point into the document's resource ("openapi.json#/components/…"). */
function rebase(schema: unknown): any {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema && typeof schema === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi.json${v}` : rebase(v);
    return out;
  }
  return schema;
}

export class ApiClient {
  constructor(
    readonly base: string,
    readonly checker: OpenApiChecker,
    readonly token: string | null,
  ) {}

  async call<T = any>(method: string, path: string, opts: { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string | null } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const token = opts.token === undefined ? this.token : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}/api/v1${path}`, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = text;
    const type = res.headers.get('content-type') ?? '';
    if (/json/.test(type)) parsed = JSON.parse(text);
    this.checker.check(method, `/api/v1${path}`.replace(/^\/api\/v1/, ''), { status: res.status, headers: res.headers, body: text === '' ? undefined : parsed });
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, opts?: Parameters<ApiClient['call']>[2]) {
    return this.call<T>('GET', path, opts);
  }
  post<T = any>(path: string, body?: unknown, opts?: Parameters<ApiClient['call']>[2]) {
    return this.call<T>('POST', path, { ...opts, body });
  }
  patch<T = any>(path: string, body?: unknown, opts?: Parameters<ApiClient['call']>[2]) {
    return this.call<T>('PATCH', path, { ...opts, body });
  }
  delete<T = any>(path: string, opts?: Parameters<ApiClient['call']>[2]) {
    return this.call<T>('DELETE', path, opts);
  }
}

export interface ApiPortal extends HttpPortal {
  checker: OpenApiChecker;
  /** A client with a new token of these scopes (all of them by default). */
  client(scopes?: readonly ApiScope[], name?: string): Promise<ApiClient>;
  /** A client without a token, or with the one given. */
  anonymous(token?: string | null): ApiClient;
}

export async function startApiPortal(opts: Parameters<typeof startHttpPortal>[0] = {}): Promise<ApiPortal> {
  const portal = await startHttpPortal(opts);
  const res = await fetch(`${portal.base}/api/v1/openapi.json`);
  const checker = new OpenApiChecker((await res.json()) as OpenApiDoc);
  let n = 0;
  return {
    ...portal,
    checker,
    async client(scopes = API_SCOPES, name = `prueba ${++n}`) {
      const created = await createApiToken(portal.rt.deps, cliOperator('pruebas'), { name, scopes: [...scopes], expiresInDays: 30 });
      return new ApiClient(portal.base, checker, created.token);
    },
    anonymous(token = null) {
      return new ApiClient(portal.base, checker, token);
    },
  };
}
