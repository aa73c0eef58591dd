import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { auditActor } from '../auth/principal.ts';
import { AppError, UnavailableError, ValidationError } from '../errors.ts';
import type { AppEnv } from '../web/env.ts';
import { apiBody } from './api-body.ts';
import { idempotency } from './idempotency.ts';
import { openApiDocument } from './openapi-document.ts';
import { apiReferenceHandler } from './reference/api-reference-route.ts';
import { fieldMapProblems, problem, zodFieldProblems } from './problem.ts';
import { registerContractsApi } from './routes/contracts-api.ts';
import { registerSystemsApi } from './routes/systems-api.ts';
import { registerAuditApi } from './routes/audit-api.ts';
import { registerCustomersApi } from './routes/customers-api.ts';
import { registerUsersApi } from './routes/users-api.ts';
import { rateLimitApiCalls } from './rate-limit/rate-limit-middleware.ts';
import { authenticateApiToken, type TokenRefusal } from './tokens/authenticate-api-token.ts';

export type ApiApp = OpenAPIHono<AppEnv>;

const REFUSAL_DETAIL: Record<TokenRefusal, string> = {
  missing: 'Falta el token: envíe Authorization: Bearer <token>.',
  malformed: 'El encabezado Authorization debe ser «Bearer <token>».',
  unknown: 'El token no es válido.',
  revoked: 'El token fue revocado.',
  expired: 'El token venció. Cree uno nuevo en la consola.',
};

/** Who calls: the token's principal on the context, or a 401 with the bearer challenge. */
const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { db, clock } = c.get('deps');
  const r = await authenticateApiToken(db, c.req.header('authorization'), clock.now(), c.get('ip'));
  if (!r.ok) {
    c.header('WWW-Authenticate', r.reason === 'missing' ? 'Bearer realm="mi-portal"' : 'Bearer realm="mi-portal", error="invalid_token"');
    return problem(c, 401, 'unauthorized', REFUSAL_DETAIL[r.reason]);
  }
  c.set('apiClient', r.principal);
  return next();
};

/**
 * Every authenticated call in the audit trail, with the token as actor: the
 * method, the route and the answer's status. A change also has its own
 * event, written by the operation in its transaction.
 */
const auditCall: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const client = c.get('apiClient');
  const { db, clock } = c.get('deps');
  await recordAuditEvent(db, {
    action: 'api.request', at: clock.now(), ...auditActor(client), customerId: null,
    detail: { method: c.req.method, path: c.req.path, status: c.res.status, requestId: c.get('requestId') },
  }).catch((err) => c.get('log').warn({ err }, 'API call not audited'));
};

/**
 * The provisioning API, mounted at /api/v1 (issue 11). JSON in, JSON or
 * problem+json out; the OpenAPI document is generated from the same zod
 * schemas the operations validate with.
 */
export function apiApp(): ApiApp {
  const app: ApiApp = new OpenAPIHono<AppEnv>({
    // A body, query or path that fails its schema: 422 with one entry per field, nothing done.
    defaultHook: (result, c) => {
      if (result.success) return;
      const where = result.target === 'json' ? [] : [result.target];
      return problem(c as Context<AppEnv>, 422, 'validation', 'Revise los datos marcados.', zodFieldProblems(result.error, where));
    },
  });

  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.get('/openapi.json', (c) => c.json(openApiDocument(app)));
  app.get('/docs', apiReferenceHandler(app));

  app.use('*', authenticate);
  // Right after who calls is known: a refused call is neither audited as a call nor has its body read.
  app.use('*', rateLimitApiCalls);
  app.use('*', auditCall);
  app.use('*', apiBody);
  app.use('*', idempotency);

  registerSystemsApi(app);
  registerCustomersApi(app);
  registerUsersApi(app);
  registerAuditApi(app);
  registerContractsApi(app);

  // Last: every other path under /api/v1 is the API's own 404 (a sub-app's notFound is not used once mounted).
  app.all('*', (c) => problem(c, 404, 'not-found', 'No existe ese recurso en la API.'));
  app.onError((err, c) => {
    if (err instanceof ValidationError) return problem(c, 422, 'validation', err.message, fieldMapProblems(err.fieldErrors));
    if (err instanceof UnavailableError) {
      c.header('Retry-After', String(err.retryAfterSeconds));
      c.get('log').warn({ errorId: err.id, cause: (err.cause as Error | undefined)?.message }, err.message);
      return problem(c, 503, err.id, err.message);
    }
    if (err instanceof AppError) return problem(c, err.status, err.id, err.message);
    // zod-openapi's own gate and Hono's JSON reader, for what apiBody let through (an empty body with a form's
    // Content-Type, say): the same problems apiBody answers, never a 500.
    if (err instanceof HTTPException && err.status === 415) return problem(c, 415, 'unsupported-media-type', 'La API recibe JSON en UTF-8: envíe Content-Type: application/json.');
    if (err instanceof HTTPException && err.status === 400) return problem(c, 400, 'malformed-json', 'El cuerpo no es JSON válido en UTF-8.');
    c.get('log').error({ err }, 'unhandled error in the API');
    return problem(c, 500, 'internal', 'Ocurrió un error inesperado. Ya quedó registrado; inténtelo de nuevo en unos minutos.');
  });
  return app;
}
