/**
 * Every problem code /api/v1 answers with, and what it means for a client:
 * the reference page has a section per code (its id is `problema-<code>`,
 * where a problem's `type` points), and the API's tests fail on a code that
 * is answered but not listed here (tests/api/problem-codes.test.ts reads the
 * source; the matrix, fuzz and edge tests check every answer they get).
 *
 * One list rather than codes gathered from the source at run time: a code
 * is part of the API's contract, so adding one is a decision written down
 * with what a client should do about it.
 */
export interface ProblemCodeDoc {
  /** The statuses it comes with (most have one). */
  statuses: readonly number[];
  /** When it happens and what to do, in Spanish (inline Markdown: `code`). */
  meaning: string;
}

export const PROBLEM_CODES = {
  'malformed-json': { statuses: [400], meaning: 'El cuerpo no es JSON válido en UTF-8. Revise cómo se serializa la solicitud.' },
  'malformed-body': { statuses: [400], meaning: 'El cuerpo llegó incompleto (la conexión se cortó mientras se enviaba). Reintente.' },
  unauthorized: {
    statuses: [401],
    meaning:
      'Falta el encabezado `Authorization: Bearer <token>`, no tiene esa forma, o el token no existe, fue revocado o venció. El encabezado `WWW-Authenticate` lo acompaña. Un token en la dirección (`?token=`) no se acepta nunca.',
  },
  'insufficient-scope': {
    statuses: [403],
    meaning: 'El token es válido pero no tiene el permiso que la operación pide (`detail` lo nombra). Cree en la consola un token con ese permiso; nada se hizo.',
  },
  'not-found': {
    statuses: [404],
    meaning: 'El recurso no existe, o está fuera del alcance del token. También responde así una ruta que la API no tiene.',
  },
  'customer-not-found': { statuses: [404], meaning: 'No hay un cliente con ese RUT (se acepta escrito con o sin puntos y guion).' },
  'contract-not-found': { statuses: [404], meaning: 'No hay un contrato con ese identificador, o no es del cliente indicado.' },
  'user-not-found': { statuses: [404], meaning: 'No hay un usuario con ese identificador en el cliente indicado.' },
  forbidden: { statuses: [403], meaning: 'El portal no permite esa operación sobre ese recurso, aunque el token tenga el permiso; `detail` dice por qué.' },
  'not-technical': {
    statuses: [403, 409],
    meaning: 'La operación es sólo para usuarios técnicos (por ejemplo, acotar la ayuda que ve): un administrador del cliente lee la de todos los sistemas contratados.',
  },
  'contract-changed': { statuses: [409], meaning: 'El contrato cambió mientras se procesaba la solicitud. Léalo de nuevo y reintente.' },
  'last-admin': {
    statuses: [409],
    meaning: 'Es el único administrador activo del cliente: deshabilitarlo o eliminarlo dejaría al cliente sin nadie que administre sus usuarios. Agregue otro administrador primero.',
  },
  'user-disabled': { statuses: [409], meaning: 'El usuario está deshabilitado: habilítelo antes de reenviarle sus credenciales.' },
  'idempotency-key-in-progress': {
    statuses: [409],
    meaning: 'Otra solicitud con la misma `Idempotency-Key` todavía se está procesando. Reintente después de los segundos que indica `Retry-After`: recibirá la respuesta de la primera.',
  },
  'precondition-failed': {
    statuses: [412],
    meaning: 'El `If-Match` enviado ya no corresponde a la versión actual del recurso (otro lo cambió). Léalo de nuevo, con su `ETag`, y decida.',
  },
  'body-too-large': { statuses: [413], meaning: 'El cuerpo supera los 64 KiB que acepta la API (también si se envía por partes).' },
  'unsupported-media-type': {
    statuses: [415],
    meaning: 'El cuerpo no es JSON en UTF-8 (`Content-Type: application/json`), o viene comprimido. La API no recibe formularios ni otros formatos.',
  },
  validation: {
    statuses: [422],
    meaning: 'Algún dato no es válido. `errors` tiene un elemento por campo, con un JSON Pointer (`/admin/email`) y el motivo en castellano; nada se guardó.',
  },
  'invalid-cursor': { statuses: [422], meaning: 'El `cursor` no es uno que la API haya dado: use el `nextCursor` de la página anterior, sin cambios.' },
  'idempotency-key-reused': {
    statuses: [422],
    meaning: 'La `Idempotency-Key` ya se usó (en las últimas 24 horas) con otra operación o con otro cuerpo. Use una clave nueva para cada operación distinta.',
  },
  'rate-limited': {
    statuses: [429],
    meaning: 'Demasiadas llamadas con este token en poco tiempo. `Retry-After` dice en cuántos segundos volver a intentar.',
  },
  internal: { statuses: [500], meaning: 'Un error del portal, no de la solicitud. Queda registrado con el identificador de `instance`; reintente más tarde.' },
  'database-unavailable': { statuses: [503], meaning: 'La base de datos no responde por ahora. Reintente después de los segundos que indica `Retry-After`.' },
  'database-busy': { statuses: [503], meaning: 'El portal está ocupado (otra escritura tiene la base). Reintente después de `Retry-After`.' },
} as const satisfies Record<string, ProblemCodeDoc>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEM_CODES, code);
}

/** The id of a code's section in the reference page, where a problem's `type` points. */
export function problemAnchor(code: string): string {
  return `problema-${code}`;
}
