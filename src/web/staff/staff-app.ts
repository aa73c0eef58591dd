import { Hono, type MiddlewareHandler } from 'hono';
import { notFound } from '../../errors.ts';
import type { AppEnv } from '../env.ts';
import { loadStaffSession } from '../../staff/staff-session.ts';
import { readAppCookie } from '../cookies.ts';
import { csrfGuard } from '../middleware/csrf.ts';
import { STAFF_ENROL, STAFF_SECOND_FACTOR, STAFF_SIGN_IN } from './require-staff.ts';
import { consoleHomeRoutes } from './routes/console-home.tsx';
import { customerPreviewRoutes } from './routes/customer-preview.tsx';
import { auditRoutes } from './routes/audit.tsx';
import { mailRoutes } from './routes/mail.tsx';
import { importRoutes } from './routes/import.tsx';
import { reportsRoutes } from './routes/reports.tsx';
import { helpSearchAnalyticsRoutes } from './routes/help/help-search-analytics.tsx';
import { helpSynonymsRoutes } from './routes/help/help-synonyms.tsx';
import { IMPORT_BODY_LIMIT, IMPORT_PATH } from '../../imports/import-format.ts';
import { staffAdminRoutes } from './routes/staff-admin.tsx';
import { apiTokensRoutes } from './routes/api-tokens.tsx';
import { apiTokenNewRoutes } from './routes/api-token-new.tsx';
import { staffSessionLoader } from './staff-session-loader.ts';
import { staffInvitationRoutes } from './routes/staff-invitation.tsx';
import { staffMfaEnrolRoutes } from './routes/staff-mfa-enrol.tsx';
import { staffSecondFactorRoutes } from './routes/staff-second-factor.tsx';
import { staffSignInRoutes } from './routes/staff-sign-in.tsx';
import { staffSignOutRoutes } from './routes/staff-sign-out.ts';
import { contractsReportRoutes } from './routes/contracts-report.tsx';
import { customerAdminsRoutes } from './routes/customer-admins.tsx';
import { customerContractsRoutes } from './routes/customer-contracts.tsx';
import { customerNewRoutes } from './routes/customer-new.tsx';
import { customerPageRoutes } from './routes/customer-page.tsx';
import { customerUsersRoutes } from './routes/customer-users.tsx';
import { customersListRoutes } from './routes/customers-list.tsx';
import { helpLandingRoutes } from './routes/help/help-landing.tsx';
import { helpSystemNewRoutes } from './routes/help/help-system-new.tsx';
import { helpSystemPageRoutes } from './routes/help/help-system-page.tsx';
import { helpCategoriesRoutes } from './routes/help/help-categories.tsx';
import { ARTICLE_FILES_BODY_RULE, ARTICLE_FILES_UPLOAD, helpArticleFilesRoutes } from './routes/help/help-article-files.tsx';
import { helpBrokenLinksRoutes } from './routes/help/help-broken-links.tsx';
import { helpArticleScheduleRoutes } from './routes/help-article-schedule.tsx';
import { helpArticleNewRoutes } from './routes/help/help-article-new.tsx';
import { helpArticleEditorRoutes } from './routes/help/help-article-editor.tsx';
import { ARTICLE_EDITOR_BODY_RULE, ARTICLE_EDITOR_FORM } from './routes/help/article-editor-form.tsx';
import { helpArticlePreviewRoutes } from './routes/help/help-article-preview.tsx';
import { helpArticlePublishingRoutes } from './routes/help/help-article-publishing.tsx';
import { helpArticleHistoryRoutes } from './routes/help/help-article-history.tsx';
import { helpArticleDiffRoutes } from './routes/help/help-article-diff.tsx';
import { webhooksListRoutes } from './routes/webhooks/webhooks-list.tsx';
import { webhookEndpointFormRoutes } from './routes/webhooks/webhook-endpoint-form.tsx';
import { webhookDeliveriesRoutes } from './routes/webhooks/webhook-deliveries.tsx';
import { webhookEndpointPageRoutes } from './routes/webhooks/webhook-endpoint-page.tsx';

const IMPORT_RULE = { maxBytes: IMPORT_BODY_LIMIT, multipart: true };

/** A POST with a large body and no live staff session is sent to sign in before a byte of it is read. */
const signedInBeforeLargeBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== 'POST') return next();
  const token = readAppCookie(c, 'staff');
  const { db, clock, config } = c.get('deps');
  const live = token ? await loadStaffSession(db, token, clock.now(), { idleMs: config.staffSessionIdleMs, absoluteMs: config.staffSessionAbsoluteMs }) : null;
  if (!live) return c.redirect(STAFF_SIGN_IN, 303);
  // Half-open (second factor owed): where requireStaff would send it, still without reading the body.
  if (live.secondFactorAt === null) return c.redirect(live.staff.mfaEnrolled ? STAFF_SECOND_FACTOR : STAFF_ENROL, 303);
  return next();
};

/**
 * A NUL in the path is nobody's page: 404 before any lookup. Every id in a
 * console path reaches a text column, and PostgreSQL refuses a NUL in text,
 * so the lookup itself failed and the page was a 500 (every page with an
 * id: API tokens, webhooks, deliveries). Other odd ids simply find nothing.
 * (Query values are each filter's to read: a page number with a NUL is page 1.)
 */
const nulIsNoPage: MiddlewareHandler<AppEnv> = (c, next) => {
  const url = c.req.url;
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const end = url.indexOf('?', start);
  if (url.slice(start, end < 0 ? undefined : end).includes('%00')) throw notFound();
  return next();
};

/** The editor's large urlencoded forms; any other body there is csrfGuard's to refuse (415) without reading it. */
const signedInBeforeLargeForm: MiddlewareHandler<AppEnv> = (c, next) =>
  /^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '') ? signedInBeforeLargeBody(c, next) : next();

/**
 * The vendor's console, mounted at /proveedor: its own CSRF cookie and its
 * own session; the customer pages' session, forced password change and page
 * cache never run here. Its last route answers every path under it, so no
 * request under /proveedor ever reaches the customer app's middleware.
 */
export function staffApp() {
  return new Hono<AppEnv>()
    .use('*', async (c, next) => {
      c.header('X-Robots-Tag', 'noindex');
      await next();
    })
    .use('*', nulIsNoPage)
    // The CSV import and an article's file upload alone take a file (multipart) and a larger body; every other console form keeps
    // the 64 KiB urlencoded rule. A POST there without a live staff session is sent to sign in before a byte of it is read.
    .use('/importar', signedInBeforeLargeBody)
    // An article's file upload (up to 5 MiB): the same rule as the import.
    .use('/ayuda/articulos/:id/archivos', signedInBeforeLargeBody)
    // The article editor's forms carry the Markdown body (up to 1 MiB urlencoded): the same rule.
    .use('/ayuda/articulos/nuevo', signedInBeforeLargeForm)
    .use('/ayuda/articulos/:id/guardar', signedInBeforeLargeForm)
    .use('/ayuda/articulos/:id/enviar', signedInBeforeLargeForm)
    .use('/ayuda/articulos/:id/vista-previa', signedInBeforeLargeForm)
    .use(
      '*',
      csrfGuard('staff_csrf', (path) =>
        path === IMPORT_PATH ? IMPORT_RULE : ARTICLE_FILES_UPLOAD.test(path) ? ARTICLE_FILES_BODY_RULE : ARTICLE_EDITOR_FORM.test(path) ? ARTICLE_EDITOR_BODY_RULE : undefined,
      ),
    )
    .use('*', staffSessionLoader)
    .route('/', consoleHomeRoutes)
    // Ver como cliente: before the customer modules, so no middleware of theirs under /clientes/:id runs for it.
    .route('/', customerPreviewRoutes)
    .route('/', staffSignInRoutes)
    .route('/', staffInvitationRoutes)
    .route('/', staffMfaEnrolRoutes)
    .route('/', staffSecondFactorRoutes)
    .route('/', staffSignOutRoutes)
    .route('/', auditRoutes)
    .route('/', mailRoutes)
    .route('/', importRoutes)
    .route('/', reportsRoutes)
    // Ayuda: the search analytics and the synonym editor.
    .route('/', helpSearchAnalyticsRoutes)
    .route('/', helpSynonymsRoutes)
    .route('/', staffAdminRoutes)
    // Tokens de la API: /api/nuevo before /api/:id/….
    .route('/', apiTokenNewRoutes)
    .route('/', apiTokensRoutes)
    // Clientes: /clientes/nuevo before /clientes/:id.
    .route('/', customersListRoutes)
    .route('/', customerNewRoutes)
    .route('/', customerContractsRoutes)
    .route('/', customerUsersRoutes)
    .route('/', customerAdminsRoutes)
    .route('/', customerPageRoutes)
    .route('/', contractsReportRoutes)
    // Ayuda: an article's schedule (/ayuda/articulos/:id/programar).
    .route('/', helpArticleScheduleRoutes)
    // Ayuda: the landing, systems and categories (sistemas/nuevo before sistemas/:slug), an article's files, the broken-link report.
    .route('/', helpLandingRoutes)
    .route('/', helpSystemNewRoutes)
    .route('/', helpSystemPageRoutes)
    .route('/', helpCategoriesRoutes)
    .route('/', helpArticleFilesRoutes)
    .route('/', helpBrokenLinksRoutes)
    // Ayuda: writing an article (articulos/nuevo before articulos/:id), previewing, publishing, its history.
    .route('/', helpArticleNewRoutes)
    .route('/', helpArticleEditorRoutes)
    .route('/', helpArticlePreviewRoutes)
    .route('/', helpArticlePublishingRoutes)
    .route('/', helpArticleHistoryRoutes)
    .route('/', helpArticleDiffRoutes)
    // Webhooks: /webhooks/nuevo and /webhooks/envios before /webhooks/:id.
    .route('/', webhooksListRoutes)
    .route('/', webhookEndpointFormRoutes)
    .route('/', webhookDeliveriesRoutes)
    .route('/', webhookEndpointPageRoutes)
    .all('*', () => {
      throw notFound();
    });
}
