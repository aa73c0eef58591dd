import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createCustomer, CreateCustomerInput } from '../../customers/create-customer.ts';
import { renameCustomer, RenameCustomerInput } from '../../customers/rename-customer.ts';
import { CustomerQueryText, CustomerStateFilter, filteredCustomers, SystemSlugFilter } from '../../customers/search-customers.ts';
import { setCustomerDisabled } from '../../customers/set-customer-disabled.ts';
import { vendorToday } from '../../domain/contracts.ts';
import type { AppEnv } from '../../web/env.ts';
import type { ApiApp } from '../api-app.ts';
import { apiRoute, problemResponse } from '../api-route.ts';
import { etagOf } from '../etag.ts';
import { ETAG_HEADER, IfMatchHeaders, ifMatchPrecondition } from '../if-match.ts';
import { decodeTextKey, pageOf, PageQuery, pageSchema } from '../page-query.ts';
import { CustomerResource, CustomerRutParam, presentCustomer, readCustomer } from '../resources/customer-resource.ts';

const TAGS = ['Clientes'];
const json = <T extends z.ZodTypeAny>(schema: T) => ({ 'application/json': { schema } });
const NOT_FOUND = { 404: problemResponse('No hay un cliente con ese RUT (`customer-not-found`).') };
const STALE = { 412: problemResponse('El `If-Match` no corresponde a la versión actual (`precondition-failed`): nada cambió.') };
const withEtag = (description: string) => ({ description, headers: ETAG_HEADER, content: json(CustomerResource) });

/** The new customer's body: the console's "Nuevo cliente" fields, the same schema. */
const NewCustomerBody = z
  .object({
    rut: CreateCustomerInput.shape.rut.describe('RUT de la empresa, escrito de cualquier forma (`76.086.428-5`, `760864285`); se guarda en forma canónica.'),
    name: CreateCustomerInput.shape.name.describe('Razón social.'),
    adminName: CreateCustomerInput.shape.adminName.describe('Nombre de su administrador.'),
    adminEmail: CreateCustomerInput.shape.adminEmail.describe('Correo del administrador: ahí recibe sus credenciales (una clave temporal).'),
  })
  .openapi('NewCustomer');

const RenameBody = z.object({ name: RenameCustomerInput.shape.name.describe('La nueva razón social.') }).openapi('CustomerRename');

const CustomerListQuery = PageQuery.extend({
  q: z
    .string()
    .max(100, 'La búsqueda puede tener como máximo 100 caracteres.')
    .pipe(CustomerQueryText)
    .optional()
    .describe('Parte de la razón social (sin importar mayúsculas ni tildes) o del RUT (con o sin puntos y guion).'),
  state: CustomerStateFilter.optional().describe('Sólo los habilitados (`active`) o los deshabilitados (`disabled`).'),
  system: SystemSlugFilter.optional().describe('Sólo los que hoy tienen vigente un contrato de ese sistema (su `slug`, como en `GET /systems`).'),
});

const createCustomerRoute = apiRoute({
  method: 'post',
  path: '/customers',
  scope: 'customers:write',
  tags: TAGS,
  summary: 'Crea un cliente con su administrador',
  description:
    'El administrador recibe por correo sus credenciales (una clave temporal que debe cambiar al ingresar). Un RUT que ya existe es un 422 en `/rut`; de dos creaciones del mismo RUT a la vez, una crea y la otra recibe ese 422.',
  request: { body: { required: true, content: json(NewCustomerBody) } },
  responses: { 201: { ...withEtag('Creado: `Location` dice dónde leerlo.'), headers: { ...ETAG_HEADER, Location: { description: 'La dirección del cliente.', schema: { type: 'string' } } } } },
});

const listCustomersRoute = apiRoute({
  method: 'get',
  path: '/customers',
  scope: 'customers:read',
  tags: TAGS,
  summary: 'Lista los clientes, por orden de creación',
  description:
    'Por páginas: `nextCursor` lleva a la siguiente. El orden es el de creación (el más antiguo primero), así que los clientes creados mientras se recorre aparecen al final y ninguna página se corre.',
  request: { query: CustomerListQuery },
  responses: { 200: { description: 'Una página de clientes.', content: json(pageSchema(CustomerResource).openapi('CustomerPage')) } },
});

const getCustomerRoute = apiRoute({
  method: 'get',
  path: '/customers/{rut}',
  scope: 'customers:read',
  tags: TAGS,
  summary: 'Lee un cliente por su RUT',
  request: { params: CustomerRutParam },
  responses: { 200: withEtag('El cliente; `ETag` es su versión.'), ...NOT_FOUND },
});

const renameCustomerRoute = apiRoute({
  method: 'patch',
  path: '/customers/{rut}',
  scope: 'customers:write',
  tags: TAGS,
  summary: 'Cambia la razón social de un cliente',
  request: { params: CustomerRutParam, headers: IfMatchHeaders, body: { required: true, content: json(RenameBody) } },
  responses: { 200: withEtag('El cliente con su nuevo nombre (el mismo nombre otra vez no cambia nada).'), ...NOT_FOUND, ...STALE },
});

const stateRoute = (action: 'disable' | 'enable') =>
  apiRoute({
    method: 'post',
    path: `/customers/{rut}/${action}`,
    scope: 'customers:write',
    tags: TAGS,
    summary: action === 'disable' ? 'Deshabilita un cliente: nadie del cliente puede ingresar' : 'Vuelve a habilitar un cliente',
    description:
      action === 'disable'
        ? 'Las sesiones abiertas de sus usuarios terminan de inmediato. Si ya estaba deshabilitado, no cambia nada y responde igual.'
        : 'Sus usuarios pueden volver a ingresar con sus claves. Si ya estaba habilitado, no cambia nada y responde igual.',
    request: { params: CustomerRutParam, headers: IfMatchHeaders },
    responses: { 200: withEtag('El cliente como quedó.'), ...NOT_FOUND, ...STALE },
  });

function withVersion(c: Context<AppEnv>, resource: CustomerResource) {
  c.header('ETag', etagOf(resource));
  return resource;
}

/** POST/GET/PATCH /customers…: the vendor's customers, named by RUT. */
export function registerCustomersApi(app: ApiApp): void {
  app.openapi(createCustomerRoute, async (c) => {
    const created = await createCustomer(c.get('deps'), c.get('apiClient'), c.req.valid('json'));
    const { resource } = await readCustomer(c.get('deps').db, created.rut);
    c.header('Location', `/api/v1/customers/${created.rut}`);
    return c.json(withVersion(c, resource), 201);
  });

  app.openapi(listCustomersRoute, async (c) => {
    const { limit, cursor, q, state, system } = c.req.valid('query');
    const after = decodeTextKey(cursor);
    const { db, clock } = c.get('deps');
    let query = filteredCustomers(db, { q: q || undefined, state, system, endingWithin: undefined }, vendorToday(clock.now())).select([
      'c.id', 'c.rut', 'c.name', 'c.disabled_at', 'c.created_at',
    ]);
    if (after) query = query.where((eb) => eb.or([eb('c.created_at', '>', after[0]), eb.and([eb('c.created_at', '=', after[0]), eb('c.id', '>', after[1])])]));
    const rows = await query.orderBy('c.created_at').orderBy('c.id').limit(limit + 1).execute();
    return c.json(pageOf(rows, limit, (r) => [r.created_at, r.id], presentCustomer), 200);
  });

  app.openapi(getCustomerRoute, async (c) => {
    const { resource } = await readCustomer(c.get('deps').db, c.req.valid('param').rut);
    return c.json(withVersion(c, resource), 200);
  });

  app.openapi(renameCustomerRoute, async (c) => {
    const deps = c.get('deps');
    const { rut } = c.req.valid('param');
    const { row } = await readCustomer(deps.db, rut);
    const precondition = ifMatchPrecondition(c.req.valid('header')['if-match'], async (db) => (await readCustomer(db, rut)).resource);
    await precondition?.(deps.db);
    await renameCustomer(deps, c.get('apiClient'), { id: row.id }, c.req.valid('json'), precondition);
    return c.json(withVersion(c, (await readCustomer(deps.db, rut)).resource), 200);
  });

  for (const action of ['disable', 'enable'] as const) {
    app.openapi(stateRoute(action), async (c) => {
      const deps = c.get('deps');
      const { rut } = c.req.valid('param');
      const { row } = await readCustomer(deps.db, rut);
      const precondition = ifMatchPrecondition(c.req.valid('header')['if-match'], async (db) => (await readCustomer(db, rut)).resource);
      await precondition?.(deps.db);
      await setCustomerDisabled(deps, c.get('apiClient'), { id: row.id }, action === 'disable', precondition);
      return c.json(withVersion(c, (await readCustomer(deps.db, rut)).resource), 200);
    });
  }
}
