import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteUser } from '../../customers/delete-user.ts';
import { helpScopeChoices, setHelpScope } from '../../customers/help-scope.ts';
import { inviteTechnicalUser } from '../../customers/invite-technical-user.ts';
import type { Precondition } from '../../customers/precondition.ts';
import { resendCredentials } from '../../customers/resend-credentials.ts';
import { SystemSlugFilter } from '../../customers/search-customers.ts';
import { setUserDisabled } from '../../customers/set-user-disabled.ts';
import { NewUserFields } from '../../customers/user-fields.ts';
import type { Deps } from '../../deps.ts';
import { vendorToday } from '../../domain/contracts.ts';
import { AppError, ValidationError } from '../../errors.ts';
import type { AppEnv } from '../../web/env.ts';
import type { ApiApp } from '../api-app.ts';
import { apiRoute, problemResponse } from '../api-route.ts';
import { etagOf } from '../etag.ts';
import { ETAG_HEADER, IfMatchHeaders, ifMatchPrecondition } from '../if-match.ts';
import { decodeTextKey, pageOf, PageQuery, pageSchema } from '../page-query.ts';
import { CustomerRutParam, readCustomer } from '../resources/customer-resource.ts';
import { readUser, readUsers, UserIdParam, userNotFound, UserResource } from '../resources/user-resource.ts';

const TAGS = ['Usuarios'];
const json = <T extends z.ZodTypeAny>(schema: T) => ({ 'application/json': { schema } });
const Params = CustomerRutParam.extend(UserIdParam.shape);
const NOT_FOUND = { 404: problemResponse('No hay un cliente con ese RUT (`customer-not-found`), o ese cliente no tiene ese usuario (`user-not-found`).') };
const STALE = { 412: problemResponse('El `If-Match` no corresponde a la versión actual del usuario (`precondition-failed`): nada cambió.') };
const withEtag = (description: string) => ({ description, headers: ETAG_HEADER, content: json(UserResource) });

const NewUserBody = z
  .object({
    name: NewUserFields.shape.name.describe('Nombre del usuario.'),
    email: NewUserFields.shape.email.describe('Su correo: ahí recibe sus credenciales, y con el RUT del cliente es con lo que ingresa. Único dentro del cliente.'),
  })
  .openapi('NewUser');

const HelpScopeBody = z
  .object({
    systems: z
      .union([z.literal('all'), z.array(SystemSlugFilter).min(1, 'Indique al menos un sistema, o `"all"` para todos los contratados.').max(100)], {
        error: 'Indique `"all"` o una lista de sistemas (sus `slug`), como ["contabilidad"].',
      })
      .describe('`"all"`: la ayuda de todos los sistemas que el cliente tiene contratados, también los que contrate después; o la lista de sistemas (su `slug`) a los que se limita, entre los contratados hoy o desde una fecha futura.'),
  })
  .openapi('HelpScope');

const listUsersRoute = apiRoute({
  method: 'get',
  path: '/customers/{rut}/users',
  scope: 'customers:read',
  tags: TAGS,
  summary: 'Lista los usuarios de un cliente, por orden de creación',
  description: 'Por páginas: `nextCursor` lleva a la siguiente. Los usuarios creados mientras se recorre aparecen al final; ninguna página se corre.',
  request: { params: CustomerRutParam, query: PageQuery },
  responses: { 200: { description: 'Una página de usuarios.', content: json(pageSchema(UserResource).openapi('UserPage')) }, 404: problemResponse('No hay un cliente con ese RUT (`customer-not-found`).') },
});

const getUserRoute = apiRoute({
  method: 'get',
  path: '/customers/{rut}/users/{userId}',
  scope: 'customers:read',
  tags: TAGS,
  summary: 'Lee un usuario de un cliente',
  request: { params: Params },
  responses: { 200: withEtag('El usuario; `ETag` es su versión.'), ...NOT_FOUND },
});

const addUserRoute = apiRoute({
  method: 'post',
  path: '/customers/{rut}/users',
  scope: 'users:write',
  tags: TAGS,
  summary: 'Agrega un usuario técnico al cliente',
  description:
    'Recibe por correo sus credenciales (una clave temporal que debe cambiar al ingresar). Un usuario técnico sólo lee la ayuda de los sistemas contratados. Un correo que el cliente ya tiene es un 422 en `/email`.',
  request: { params: CustomerRutParam, body: { required: true, content: json(NewUserBody) } },
  responses: {
    201: { description: 'Creado: `Location` dice dónde leerlo.', headers: { ...ETAG_HEADER, Location: { description: 'La dirección del usuario.', schema: { type: 'string' } } }, content: json(UserResource) },
    404: problemResponse('No hay un cliente con ese RUT (`customer-not-found`).'),
  },
});

type Change = 'resend-credentials' | 'disable' | 'enable';
const CHANGE: Record<Change, { summary: string; description: string; conflict: string }> = {
  'resend-credentials': {
    summary: 'Reenvía las credenciales de un usuario',
    description: 'Una nueva clave temporal por correo: la anterior deja de servir y sus sesiones terminan. El usuario queda `pending` hasta que elija su clave.',
    conflict: 'El usuario está deshabilitado (`user-disabled`): habilítelo antes.',
  },
  disable: {
    summary: 'Deshabilita un usuario',
    description: 'No puede ingresar; sus sesiones y enlaces de recuperación terminan de inmediato. Si ya estaba deshabilitado, no cambia nada.',
    conflict: 'Es el único administrador activo del cliente (`last-admin`): agregue o reemplace el administrador primero.',
  },
  enable: { summary: 'Vuelve a habilitar un usuario', description: 'Puede volver a ingresar con su clave. Si ya estaba habilitado, no cambia nada.', conflict: 'Nunca.' },
};

const changeRoute = (change: Change) =>
  apiRoute({
    method: 'post',
    path: `/customers/{rut}/users/{userId}/${change}`,
    scope: 'users:write',
    tags: TAGS,
    summary: CHANGE[change].summary,
    description: CHANGE[change].description,
    request: { params: Params, headers: IfMatchHeaders },
    responses: { 200: withEtag('El usuario como quedó.'), ...NOT_FOUND, ...(change === 'enable' ? {} : { 409: problemResponse(CHANGE[change].conflict) }), ...STALE },
  });

const deleteUserRoute = apiRoute({
  method: 'delete',
  path: '/customers/{rut}/users/{userId}',
  scope: 'users:write',
  tags: TAGS,
  summary: 'Elimina un usuario',
  description: 'Para siempre: pierde el acceso y no lo recupera (la auditoría conserva lo que hizo). Para suspenderlo, deshabilítelo.',
  request: { params: Params, headers: IfMatchHeaders },
  responses: {
    204: { description: 'Eliminado.' },
    ...NOT_FOUND,
    409: problemResponse('Es el único administrador activo del cliente (`last-admin`): agregue o reemplace el administrador primero.'),
    ...STALE,
  },
});

const helpScopeRoute = apiRoute({
  method: 'put',
  path: '/customers/{rut}/users/{userId}/help-scope',
  scope: 'users:write',
  tags: TAGS,
  summary: 'Elige la ayuda que puede leer un usuario técnico',
  request: { params: Params, headers: IfMatchHeaders, body: { required: true, content: json(HelpScopeBody) } },
  responses: {
    200: withEtag('El usuario con su nueva ayuda visible (`helpScope`).'),
    ...NOT_FOUND,
    409: problemResponse('Es un administrador (`not-technical`): siempre lee la ayuda de todos los sistemas contratados.'),
    ...STALE,
  },
});

function answer(c: Context<AppEnv>, user: UserResource) {
  c.header('ETag', etagOf(user));
  return user;
}

/**
 * The user an update acts on, its If-Match as a precondition (already checked
 * once here), and the ref the operations take. Ids are UUIDs, compared in
 * lower case.
 */
async function target(deps: Deps, rut: string, rawUserId: string, ifMatch: string | undefined) {
  const { row: customer } = await readCustomer(deps.db, rut);
  const userId = rawUserId.toLowerCase();
  await readUser(deps.db, customer.id, userId);
  const precondition = ifMatchPrecondition(ifMatch, (db) => readUser(db, customer.id, userId));
  await precondition?.(deps.db);
  return { customer, ref: { customerId: customer.id, userId }, precondition };
}

/**
 * The operations' own 404 ("la página que busca…", for people) as the API's:
 * it only happens when the user goes between this route's read and the
 * operation's.
 */
async function asApi<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError && err.id === 'not-found') throw userNotFound();
    throw err;
  }
}

/** /customers/{rut}/users…: a customer's users, through the same operations as the console and the users page. */
export function registerUsersApi(app: ApiApp): void {
  app.openapi(listUsersRoute, async (c) => {
    const { db } = c.get('deps');
    const { row } = await readCustomer(db, c.req.valid('param').rut);
    const { limit, cursor } = c.req.valid('query');
    const rows = await readUsers(db, row.id, { after: decodeTextKey(cursor), limit: limit + 1 });
    return c.json(pageOf(rows, limit, (u) => [u.createdAt, u.id], (u) => u), 200);
  });

  app.openapi(getUserRoute, async (c) => {
    const { db } = c.get('deps');
    const { rut, userId } = c.req.valid('param');
    const { row } = await readCustomer(db, rut);
    return c.json(answer(c, await readUser(db, row.id, userId.toLowerCase())), 200);
  });

  app.openapi(addUserRoute, async (c) => {
    const deps = c.get('deps');
    const { row } = await readCustomer(deps.db, c.req.valid('param').rut);
    const { id } = await inviteTechnicalUser(deps, c.get('apiClient'), row.id, c.req.valid('json'));
    c.header('Location', `/api/v1/customers/${row.rut}/users/${id}`);
    return c.json(answer(c, await readUser(deps.db, row.id, id)), 201);
  });

  const operations: Record<Change, (deps: Deps, ref: { customerId: string; userId: string }, p: Precondition | undefined, c: Context<AppEnv>) => Promise<unknown>> = {
    'resend-credentials': (deps, ref, p, c) => resendCredentials(deps, c.get('apiClient'), ref, p),
    disable: (deps, ref, p, c) => setUserDisabled(deps, c.get('apiClient'), ref, true, p),
    enable: (deps, ref, p, c) => setUserDisabled(deps, c.get('apiClient'), ref, false, p),
  };
  for (const change of Object.keys(operations) as Change[]) {
    app.openapi(changeRoute(change), async (c) => {
      const deps = c.get('deps');
      const { rut, userId } = c.req.valid('param');
      const { customer, ref, precondition } = await target(deps, rut, userId, c.req.valid('header')['if-match']);
      await asApi(operations[change](deps, ref, precondition, c));
      return c.json(answer(c, await readUser(deps.db, customer.id, ref.userId)), 200);
    });
  }

  app.openapi(deleteUserRoute, async (c) => {
    const deps = c.get('deps');
    const { rut, userId } = c.req.valid('param');
    const { ref, precondition } = await target(deps, rut, userId, c.req.valid('header')['if-match']);
    await asApi(deleteUser(deps, c.get('apiClient'), ref, precondition));
    return c.body(null, 204);
  });

  app.openapi(helpScopeRoute, async (c) => {
    const deps = c.get('deps');
    const { rut, userId } = c.req.valid('param');
    const { customer, ref, precondition } = await target(deps, rut, userId, c.req.valid('header')['if-match']);
    const { systems } = c.req.valid('json');
    const today = vendorToday(deps.clock.now());
    let scope: 'all' | string[] = 'all';
    if (systems !== 'all') {
      // The API names systems by slug; the operation takes the ids of the customer's choices (it checks them again).
      const choices = await helpScopeChoices(deps.db, customer.id, today);
      const bySlug = new Map(choices.map((s) => [s.slug, s.id]));
      // One error per unknown slug, at its place in the list (the field name becomes the pointer /systems/1).
      const unknown = Object.fromEntries(systems.flatMap((slug, i) => (bySlug.has(slug) ? [] : [[`systems/${i}`, `El cliente no tiene contratado «${slug}» (ni hoy ni desde una fecha futura).`]])));
      if (Object.keys(unknown).length) throw new ValidationError(unknown, 'Revise los sistemas marcados.');
      scope = [...new Set(systems.map((slug) => bySlug.get(slug)!))];
    }
    await asApi(setHelpScope(deps, c.get('apiClient'), ref, scope, today, precondition));
    return c.json(answer(c, await readUser(deps.db, customer.id, ref.userId)), 200);
  });
}
