import { AuditFilters, listAuditEvents } from '../../audit/list-audit-events.ts';
import { ValidationError } from '../../errors.ts';
import type { ApiApp } from '../api-app.ts';
import { apiRoute } from '../api-route.ts';
import { encodeCursor } from '../cursor.ts';
import { decodeTextKey, PageQuery, pageSchema } from '../page-query.ts';
import { AuditEventResource, presentAuditEvent } from '../resources/audit-event-resource.ts';

/** The console's audit filters (the same schema), with the list's page. */
const AuditQuery = PageQuery.extend({
  action: AuditFilters.shape.action.describe('Sólo esta acción (su código, como `customer.created`).'),
  actorKind: AuditFilters.shape.actorKind.describe('Sólo lo hecho por esta clase de actor: `user`, `staff`, `cli`, `api` o `anonymous`.'),
  actor: AuditFilters.shape.actor.describe('Parte del correo o del nombre de quien actuó (sin importar mayúsculas).'),
  customer: AuditFilters.shape.customer.describe('Sólo lo que toca a este cliente: su RUT escrito de cualquier forma.'),
  from: AuditFilters.shape.from.describe('Desde este día (AAAA-MM-DD, hora de Santiago), incluido.'),
  to: AuditFilters.shape.to.describe('Hasta este día (AAAA-MM-DD, hora de Santiago), incluido.'),
});

const listAuditRoute = apiRoute({
  method: 'get',
  path: '/audit-events',
  scope: 'audit:read',
  tags: ['Auditoría'],
  summary: 'Lista la auditoría, lo más reciente primero',
  description:
    'Todo lo que pasó en el portal, también cada llamada a la API (`api.request`, con el token como actor). Por páginas: `nextCursor` lleva a la siguiente (más antigua); lo que ocurra mientras se recorre queda antes de la primera página y no corre las siguientes.',
  request: { query: AuditQuery },
  responses: { 200: { description: 'Una página de la auditoría.', content: { 'application/json': { schema: pageSchema(AuditEventResource).openapi('AuditEventPage') } } } },
});

/** GET /audit-events: the audit trail, through the console's own list. */
export function registerAuditApi(app: ApiApp): void {
  app.openapi(listAuditRoute, async (c) => {
    const { limit, cursor, ...filters } = c.req.valid('query');
    const after = decodeTextKey(cursor);
    let page;
    try {
      page = await listAuditEvents(c.get('deps').db, filters, { pageSize: limit, ...(after ? { after: { at: after[0], id: after[1] } } : {}) });
    } catch (err) {
      // The list names the filters as the console's form does; here they are query parameters.
      if (err instanceof ValidationError) throw new ValidationError(Object.fromEntries(Object.entries(err.fieldErrors).map(([k, v]) => [`query/${k}`, v])), err.message);
      throw err;
    }
    const last = page.events.at(-1);
    return c.json({ items: page.events.map(presentAuditEvent), nextCursor: page.hasMore && last ? encodeCursor([last.at, last.id]) : null }, 200);
  });
}
