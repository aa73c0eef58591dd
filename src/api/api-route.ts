import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { ZodObject } from 'zod';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../web/env.ts';
import type { ApiScope } from './api-scopes.ts';
import { IDEMPOTENCY_KEY_PARAMETER } from './idempotency.ts';
import { problem, ProblemDetails } from './problem.ts';

export const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemDetails } } });

/** The answers every authenticated operation may give besides its own, in the document and in the tests' checks. */
export const COMMON_PROBLEMS = {
  400: problemResponse('El cuerpo no es JSON válido.'),
  401: problemResponse('Falta el token, o está revocado, vencido o no existe.'),
  403: problemResponse('El token no tiene el permiso que esta operación pide.'),
  413: problemResponse('El cuerpo es demasiado grande.'),
  415: problemResponse('El cuerpo no es JSON.'),
  422: problemResponse('Algún dato no es válido: `errors` dice cuáles.'),
  429: problemResponse('Demasiadas llamadas con este token: `Retry-After` dice cuándo volver.'),
  500: problemResponse('Un error del portal (queda registrado).'),
  503: problemResponse('La base de datos no está disponible por ahora: `Retry-After` dice cuándo volver.'),
} as const;

/** What every POST may answer besides: its Idempotency-Key still in use by the first request (an operation may document its own 409 too). */
export const POST_PROBLEMS = {
  409: problemResponse('Otra solicitud con la misma `Idempotency-Key` sigue en curso (`idempotency-key-in-progress`, con `Retry-After`).'),
} as const;

/** The scope an operation needs, as a hidden extension of the document (the matrix test reads it too). */
export const SCOPE_EXTENSION = 'x-required-scope';

/** Refuses a token without `scope` before the body is validated or anything looked up. */
export function requireScope(scope: ApiScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get('apiClient').scopes.has(scope)) {
      return problem(c, 403, 'insufficient-scope', `Este token no tiene el permiso «${scope}», que esta operación necesita. Cree un token con ese permiso en la consola.`);
    }
    return next();
  };
}

/**
 * One operation of /api/v1: its scope is checked first, declared as the
 * bearer scheme's scope and as x-required-scope, and the common problem
 * answers are added to its own.
 */
export function apiRoute<R extends Omit<RouteConfig, 'security' | 'middleware'> & { scope: ApiScope }>(r: R) {
  const { scope, responses, ...rest } = r;
  // Every POST takes an Idempotency-Key (idempotency.ts, run for all of them in api-app.ts): declared here once for all.
  const post = r.method === 'post';
  return createRoute({
    ...rest,
    ...(rest.request ? { request: strictBody(rest.request) } : {}),
    ...(post ? { parameters: [IDEMPOTENCY_KEY_PARAMETER, ...(rest.parameters ?? [])] } : {}),
    security: [{ bearerToken: [scope] }],
    [SCOPE_EXTENSION]: scope,
    middleware: [requireScope(scope)],
    responses: { ...COMMON_PROBLEMS, ...(post ? POST_PROBLEMS : {}), ...responses },
  } as Omit<R, 'scope'> & { security: RouteConfig['security']; middleware: MiddlewareHandler<AppEnv>[]; responses: R['responses'] & typeof COMMON_PROBLEMS });
}

/**
 * A JSON body's object schema refuses keys it does not know (422, the key
 * named), here and in the document (additionalProperties: false). The
 * forms' schemas drop them silently, which suits a form and not a program:
 * `{"plan":"A","endsOn":"2026-12-31"}` on a PATCH that only changes the plan
 * would answer 200 and leave the end date as it was.
 */
function strictBody<Q extends NonNullable<RouteConfig['request']>>(request: Q): Q {
  const json = request.body?.content?.['application/json'] as { schema?: unknown } | undefined;
  const schema = json?.schema;
  if (!json || !(schema instanceof ZodObject)) return request;
  return { ...request, body: { ...request.body, content: { ...request.body!.content, 'application/json': { ...json, schema: (schema as ZodObject).strict() } } } };
}
