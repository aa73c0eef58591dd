import type { LoadedSession } from '../auth/session.ts';
import type { Deps } from '../deps.ts';
import type { RequestLog } from './request-log.ts';
import type { LoadedStaffSession } from '../staff/staff-session.ts';

/**
 * What middleware puts on the Hono context for the routes. Read it with
 * c.get('…'): in Hono 4.13 every c.var access builds a new object, a cost paid
 * dozens of times per page.
 */
export interface AppEnv {
  Variables: {
    deps: Deps;
    /** The request's logger, its id on every line (request-log.ts). */
    log: RequestLog;
    requestId: string;
    /** performance.now() when the request reached the app: what committed before it must be seen (cache/shared-cache.ts `since`). */
    arrivedAt: number;
    ip: string;
    session: LoadedSession | null;
    /** Under /proveedor only: the staff member signed in to the console (web/staff/staff-session-loader.ts). */
    staffSession: LoadedStaffSession | null;
    csrfToken: string;
    /** A POST's form fields, read once within the body limit before CSRF is checked (web/request-body.ts). */
    form: URLSearchParams;
    /** The files of a multipart POST, on the one route that accepts them (the CSV import). */
    files: Map<string, import('./request-body.ts').UploadedFile>;
    flash: string | null;
    /** Under /api/v1 only: the token's principal, once authenticated (api/api-app.ts). */
    apiClient: import('../auth/principal.ts').ApiClientPrincipal;
    /** Under /api/v1: the request's JSON body as text, read once within its limit (api/api-body.ts); '' without a body. */
    apiBody: string;
  };
}
