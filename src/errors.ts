/**
 * Named errors: each carries the HTTP status, a stable id for logs and tests,
 * and the Spanish message a person sees. onError renders them; anything else
 * is a bug and becomes a plain 500 page with the stack in the log only.
 */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 410 | 422 | 429 | 503,
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

/** A user's mistake in a form: shown next to the form, nothing was saved. */
export class ValidationError extends AppError {
  constructor(
    readonly fieldErrors: Record<string, string>,
    message = 'Revise los datos marcados.',
  ) {
    super(422, 'validation', message);
  }
}
