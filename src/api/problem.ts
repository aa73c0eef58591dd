import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import type { AppEnv } from '../web/env.ts';

/**
 * Errors as application/problem+json (RFC 9457). `code` is stable (clients
 * branch on it), `detail` is Spanish for a person, `errors` lists each field
 * that was wrong with a JSON Pointer to it. `type` points at the code's
 * entry in the reference page.
 */
export const ProblemDetails = z
  .object({
    type: z.string().describe('Dónde se explica este código, en la referencia de la API.'),
    title: z.string().describe('Resumen breve del problema.'),
    status: z.number().int(),
    code: z.string().describe('Código estable del problema (por ejemplo, `validation`, `not-found`, `insufficient-scope`).'),
    detail: z.string().describe('Qué pasó, en castellano.'),
    instance: z.string().optional().describe('Identificador de la solicitud, el mismo del registro del portal.'),
    errors: z
      .array(z.object({ pointer: z.string().describe('JSON Pointer al campo, por ejemplo `/rut`.'), detail: z.string() }))
      .optional()
      .describe('Un elemento por campo con error.'),
  })
  .openapi('Problem');

export type ProblemDetails = z.infer<typeof ProblemDetails>;

export const PROBLEM_TYPE = 'application/problem+json';

/** Titles by status: short, Spanish, the same for every code of that status. */
const TITLE: Record<number, string> = {
  400: 'Solicitud mal formada',
  401: 'Sin autenticación válida',
  403: 'Sin permiso',
  404: 'No encontrado',
  405: 'Método no permitido',
  409: 'Conflicto',
  412: 'La versión cambió',
  413: 'Cuerpo demasiado grande',
  415: 'Formato no admitido',
  422: 'Datos inválidos',
  428: 'Falta If-Match',
  429: 'Demasiadas solicitudes',
  500: 'Error interno',
  503: 'No disponible por ahora',
};

export interface FieldProblem {
  pointer: string;
  detail: string;
}

export function problemBody(status: number, code: string, detail: string, extra: { errors?: FieldProblem[]; instance?: string } = {}): ProblemDetails {
  return {
    type: `/api/v1/docs#problema-${code}`,
    title: TITLE[status] ?? 'Error',
    status,
    code,
    detail,
    ...(extra.instance ? { instance: extra.instance } : {}),
    ...(extra.errors && extra.errors.length > 0 ? { errors: extra.errors } : {}),
  };
}

export function problem(c: Context<AppEnv>, status: number, code: string, detail: string, errors?: FieldProblem[]): Response {
  const body = problemBody(status, code, detail, { errors, instance: c.get('requestId') });
  // c.body keeps the headers middleware set before (rate limit, security).
  return c.body(JSON.stringify(body), status as 400, { 'content-type': PROBLEM_TYPE });
}

/** RFC 6901: "/admin/email" for ['admin', 'email']. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** A zod failure as field problems, one per field (the first message for each). */
export function zodFieldProblems(error: ZodError, prefix: readonly PropertyKey[] = []): FieldProblem[] {
  const seen = new Map<string, string>();
  for (const issue of error.issues) {
    // A key the operation does not know: one entry per key, at the key itself.
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const pointer = jsonPointer([...prefix, ...issue.path, key]);
        if (!seen.has(pointer)) seen.set(pointer, 'Este campo no existe en esta operación: revise su nombre en la referencia de la API.');
      }
      continue;
    }
    const pointer = jsonPointer([...prefix, ...issue.path]);
    if (!seen.has(pointer)) seen.set(pointer, issue.message);
  }
  return [...seen].map(([pointer, detail]) => ({ pointer, detail }));
}

/** The operations' ValidationError (field name → message) as field problems. */
export function fieldMapProblems(fields: Record<string, string>, pointerOf: (field: string) => string = (f) => `/${f}`): FieldProblem[] {
  return Object.entries(fields).map(([field, detail]) => ({ pointer: field === 'form' ? '' : pointerOf(field), detail }));
}
