import { Hono } from 'hono';
import type { Deps } from './deps.ts';
import { AppError, UnavailableError } from './errors.ts';
import type { AppEnv } from './web/env.ts';
import { errorPage } from './web/error-page.tsx';
import { csrfProtection } from './web/middleware/csrf.ts';
import { forcePasswordChange } from './web/middleware/force-password-change.ts';
import { pageCacheFill } from './web/middleware/page-cache-fill.ts';
import { requestContext } from './web/middleware/request-context.ts';
import { securityHeaders } from './web/middleware/security-headers.ts';
import { sessionLoader } from './web/middleware/session.ts';
import { accountRoutes } from './web/routes/account/account.tsx';
import { forgotPasswordRoutes } from './web/routes/auth/forgot-password.tsx';
import { newPasswordRoutes } from './web/routes/auth/new-password.tsx';
import { resetPasswordRoutes } from './web/routes/auth/reset-password.tsx';
import { signInRoutes } from './web/routes/auth/sign-in.tsx';
import { signOutRoutes } from './web/routes/auth/sign-out.ts';
import { helpRoutes } from './web/routes/help/help.tsx';
import { devMailboxRoutes } from './web/routes/pages/dev-mailbox.tsx';
import { healthRoutes } from './web/routes/pages/health.ts';
import { homeRoutes } from './web/routes/pages/home.ts';
import { staticRoutes } from './web/routes/pages/static-files.ts';
import { termsRoutes } from './web/routes/pages/terms.tsx';
import { servicesRoutes } from './web/routes/services/services.tsx';
import { usersHelpScopeRoutes } from './web/routes/users/users-help-scope.tsx';
import { usersActionsRoutes } from './web/routes/users/users-actions.tsx';
import { usersListRoutes } from './web/routes/users/users-list.tsx';
import { usersNewRoutes } from './web/routes/users/users-new.tsx';

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();

  // Order matters: context and headers for everything; static files and the
  // health check before any session or database work.
  app.use('*', requestContext(deps));
  app.use('*', securityHeaders(deps.config.secureCookies));
  app.route('/', staticRoutes(deps.config.brand));
  app.route('/', healthRoutes);
  // Before the session is read: a write that lands while this request runs must keep its page out of the cache.
  if (deps.pageCache) app.use('*', pageCacheFill(deps.pageCache));
  // A POST's Origin, type, size and token are checked before its session is even looked up:
  // a refused body costs no database work and can leave no row behind.
  app.use('*', csrfProtection);
  app.use('*', sessionLoader);
  app.use('*', forcePasswordChange);

  app.route('/', homeRoutes);
  app.route('/', signInRoutes);
  app.route('/', signOutRoutes);
  app.route('/', forgotPasswordRoutes);
  app.route('/', resetPasswordRoutes);
  app.route('/', newPasswordRoutes);
  app.route('/', servicesRoutes);
  app.route('/', helpRoutes);
  app.route('/', usersListRoutes);
  app.route('/', usersNewRoutes);
  app.route('/', usersHelpScopeRoutes);
  app.route('/', usersActionsRoutes);
  app.route('/', accountRoutes);
  app.route('/', termsRoutes);
  app.route('/', devMailboxRoutes);

  app.notFound((c) => errorPage(c, 404, 'La página que busca no existe o no tiene acceso a ella.'));
  app.onError((err, c) => {
    if (err instanceof UnavailableError) {
      // Nobody's mistake, and it passes: say when to come back; the log keeps what the driver said.
      const cause = err.cause as { code?: string; message?: string } | undefined;
      (c.get('log') ?? deps.log).warn({ errorId: err.id, status: 503, code: cause?.code, cause: cause?.message }, err.message);
      c.header('Retry-After', String(err.retryAfterSeconds));
      return errorPage(c, 503, err.message);
    }
    if (err instanceof AppError) {
      c.get('log')?.info({ errorId: err.id, status: err.status }, err.message);
      return errorPage(c, err.status, err.message);
    }
    if (c.req.raw.signal.aborted) {
      // The person closed the connection (or it timed out) before the request was read: nothing to answer.
      (c.get('log') ?? deps.log).info({ err: (err as Error)?.message, path: c.req.path }, 'request aborted by the client');
      return c.body(null, 400);
    }
    (c.get('log') ?? deps.log).error({ err }, 'unhandled error');
    return errorPage(c, 500, 'Ocurrió un error inesperado. Ya quedó registrado; inténtelo de nuevo en unos minutos.');
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
