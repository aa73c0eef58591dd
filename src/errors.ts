/**
 * Named errors: each carries the HTTP status, a stable id for logs and tests,
 * and the Spanish message a person sees. onError renders them; anything else
 * is a bug and becomes a plain 500 page with the stack in the log only.
 */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410 | 412 | 413 | 415 | 422 | 429 | 503,
    readonly id: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = () => new AppError(404, 'not-found', 'La página que busca no existe o no tiene acceso a ella.');
export const forbidden = () => new AppError(403, 'forbidden', 'Su perfil no tiene acceso a esta página.');
export const csrfFailed = () =>
  new AppError(403, 'csrf', 'El formulario caducó o no se envió desde el portal. Vuelva a la página e inténtelo otra vez.');

/** What a request body may be: see web/request-body.ts. */
export const bodyTooLarge = () =>
  new AppError(413, 'body-too-large', 'Lo enviado supera el tamaño que acepta este formulario. Acorte el texto e inténtelo otra vez.');
export const unsupportedBody = () =>
  new AppError(415, 'unsupported-media-type', 'El portal sólo acepta formularios enviados desde sus propias páginas. Vuelva a la página e inténtelo otra vez.');
export const malformedBody = () =>
  new AppError(400, 'malformed-body', 'No pudimos leer el formulario enviado. Vuelva a la página e inténtelo otra vez.');

/** A user's mistake in a form: shown next to the form, nothing was saved. */
export class ValidationError extends AppError {
  constructor(
    readonly fieldErrors: Record<string, string>,
    message = 'Revise los datos marcados.',
  ) {
    super(422, 'validation', message);
  }
}

/**
 * The portal cannot answer now and will soon, through nobody's mistake (the
 * database is restarting, another process holds SQLite's write lock): a 503
 * with Retry-After. `cause` keeps the driver's error for the log.
 */
export class UnavailableError extends AppError {
  constructor(
    id: 'database-unavailable' | 'database-busy' | 'help-import-busy',
    message: string,
    readonly retryAfterSeconds: number,
    cause?: unknown,
  ) {
    super(503, id, message);
    if (cause !== undefined) this.cause = cause;
  }
}

export const databaseUnavailable = (cause?: unknown) =>
  new UnavailableError('database-unavailable', 'No pudimos conectar con la base de datos. Inténtelo de nuevo en unos segundos.', 5, cause);
export const databaseBusy = (cause?: unknown) =>
  new UnavailableError('database-busy', 'El portal está ocupado; inténtelo de nuevo en unos segundos.', 2, cause);
