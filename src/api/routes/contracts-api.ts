import { CustomerRutParam } from '../resources/customer-resource.ts';
import { IfMatchHeaders } from '../if-match.ts';
import { z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { AddContractInput, addContract } from '../../customers/add-contract.ts';
import { ChangePlanInput, changeContractPlan } from '../../customers/change-contract-plan.ts';
import { EndContractInput, endContract } from '../../customers/end-contract.ts';
import type { ContractVersion } from '../../customers/find-contract.ts';
import { findCustomerByRut, isUuid } from '../../customers/find-customer.ts';
import { listContracts } from '../../customers/list-contracts.ts';
import { endingKeyOf, listContractsEndingAfter, type EndingKey } from '../../customers/list-contracts-across.ts';
import { vendorToday } from '../../domain/contracts.ts';
import { AppError } from '../../errors.ts';
import type { AppEnv } from '../../web/env.ts';
import type { ApiApp } from '../api-app.ts';
import { decodeCursor, DEFAULT_PAGE, encodeCursor, MAX_PAGE } from '../cursor.ts';
import { etagOf, ifMatchAllows } from '../etag.ts';
import { problem } from '../problem.ts';
import { apiRoute, problemResponse } from '../api-route.ts';
import { ContractResource, loadContract, presentContract } from './contract-resource.ts';

const TAGS = ['Contratos'];

const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, description: 'Identificador del contrato.' }) });

const json = <S extends z.ZodType>(schema: S) => ({ 'application/json': { schema } });
const contractAnswer = (description: string) => ({
  description,
  headers: z.object({ ETag: z.string().describe('Versión del contrato, para If-Match.') }),
  content: json(ContractResource),
});

const EndingContract = ContractResource.extend({
  customerName: z.string().describe('Razón social del cliente.'),
  daysLeft: z.number().int().describe('Días desde hoy (Santiago) hasta el último día: 0 si termina hoy.'),
}).openapi('EndingContract');

const EndingQuery = z.object({
  days: z.coerce
    .number({ error: 'days debe ser un número entero de días, de 0 a 365.' })
    .int('days debe ser un número entero de días, de 0 a 365.')
    .min(0, 'days debe ser un número entero de días, de 0 a 365.')
    .max(365, 'days debe ser un número entero de días, de 0 a 365.')
    .default(30)
    .openapi({ description: 'Cuántos días hacia adelante, desde hoy en Santiago (30 si se omite).', example: 30 }),
  limit: z.coerce
    .number({ error: `limit debe ser un número entero de 1 a ${MAX_PAGE}.` })
    .int(`limit debe ser un número entero de 1 a ${MAX_PAGE}.`)
    .min(1, `limit debe ser un número entero de 1 a ${MAX_PAGE}.`)
    .max(MAX_PAGE, `limit debe ser un número entero de 1 a ${MAX_PAGE}.`)
    .default(DEFAULT_PAGE)
    .openapi({ description: `Cuántos por página (${DEFAULT_PAGE} si se omite).` }),
  cursor: z.string().optional().openapi({ description: 'El `nextCursor` de la página anterior.' }),
});

const createContract = apiRoute({
  method: 'post',
  path: '/customers/{rut}/contracts',
  scope: 'contracts:write',
  tags: TAGS,
  summary: 'Crea un contrato del cliente',
  description: 'La ayuda del sistema se abre para el cliente desde el día de inicio (hora de Santiago) hasta el de término, ambos incluidos.',
  request: { params: CustomerRutParam, body: { required: true, content: json(AddContractInput) } },
  responses: {
    201: {
      description: 'El contrato creado. `Location` es su dirección.',
      headers: z.object({ Location: z.string(), ETag: z.string() }),
      content: json(ContractResource),
    },
    404: problemResponse('No hay un cliente con ese RUT (`customer-not-found`).'),
  },
});

const listCustomerContracts = apiRoute({
  method: 'get',
  path: '/customers/{rut}/contracts',
  scope: 'customers:read',
  tags: TAGS,
  summary: 'Lista los contratos del cliente',
  request: { params: CustomerRutParam },
  responses: {
    200: { description: 'Todos sus contratos (un cliente tiene pocos): por sistema, y por fecha de inicio.', content: json(z.object({ items: z.array(ContractResource) })) },
    404: problemResponse('No hay un cliente con ese RUT (`customer-not-found`).'),
  },
});

const listEnding = apiRoute({
  method: 'get',
  path: '/contracts/ending',
  scope: 'customers:read',
  tags: TAGS,
  summary: 'Lista los contratos vigentes que terminan dentro de N días',
  description: 'Como el informe «Contratos» de la consola: vigentes hoy, con su último día entre hoy y hoy + `days`, por último día. Paginado con cursor.',
  request: { query: EndingQuery },
  responses: {
    200: {
      description: 'Una página; `nextCursor` es `null` en la última.',
      content: json(z.object({ items: z.array(EndingContract), nextCursor: z.string().nullable() })),
    },
  },
});

const getContract = apiRoute({
  method: 'get',
  path: '/contracts/{id}',
  scope: 'customers:read',
  tags: TAGS,
  summary: 'Un contrato',
  request: { params: IdParam },
  responses: {
    200: contractAnswer('El contrato, con su `ETag`.'),
    404: problemResponse('No hay un contrato con ese identificador (`contract-not-found`).'),
  },
});

const versionProblems = {
  404: problemResponse('No hay un contrato con ese identificador (`contract-not-found`).'),
  409: problemResponse('Otra solicitud cambió el contrato al mismo tiempo, sin If-Match (`contract-changed`): léalo de nuevo; o la `Idempotency-Key` sigue en curso.'),
  412: problemResponse('El contrato cambió desde el `ETag` enviado en If-Match (`precondition-failed`): nada se hizo.'),
};

const patchContract = apiRoute({
  method: 'patch',
  path: '/contracts/{id}',
  scope: 'contracts:write',
  tags: TAGS,
  summary: 'Cambia el plan del contrato',
  description: 'Las fechas no cambian: un cambio que rige desde un día dado es un contrato nuevo y el término de este.',
  request: { params: IdParam, headers: IfMatchHeaders, body: { required: true, content: json(ChangePlanInput) } },
  responses: { 200: contractAnswer('El contrato con su nuevo plan (igual si el plan ya era ese).'), ...versionProblems },
});

const endContractRoute = apiRoute({
  method: 'post',
  path: '/contracts/{id}/end',
  scope: 'contracts:write',
  tags: TAGS,
  summary: 'Fija el último día del contrato',
  description:
    'El último día es el día de término (incluido, hora de Santiago): al día siguiente se cierra la ayuda del sistema. Puede ser pasado, hoy o futuro, ' +
    'pero no anterior al inicio. Para cambiarlo, vuelva a llamar con otra fecha.',
  request: { params: IdParam, headers: IfMatchHeaders, body: { required: true, content: json(EndContractInput) } },
  responses: { 200: contractAnswer('El contrato con su día de término.'), ...versionProblems },
});

const preconditionFailed = () =>
  new AppError(412, 'precondition-failed', 'El contrato cambió desde que lo leyó (su ETag ya no es el de If-Match): nada se hizo. Léalo de nuevo y decida con su versión actual.');
const changedMeanwhile = () =>
  new AppError(409, 'contract-changed', 'El contrato cambió mientras se procesaba la solicitud (otra lo modificó al mismo tiempo): nada se hizo. Léalo de nuevo y reintente.');

/**
 * A change of a contract under If-Match: the ETag is compared with the
 * version read here, and the operation is told that version, so its
 * compare-and-swap writes only on it. Two requests with one If-Match: one
 * writes, the other finds another version and gets the 412.
 */
async function changeUnderIfMatch(c: Context<AppEnv>, id: string, change: (expected: ContractVersion | undefined) => Promise<unknown>) {
  const { db, clock } = c.get('deps');
  const ifMatch = c.req.header('if-match');
  let expected: ContractVersion | undefined;
  if (ifMatch !== undefined) {
    const current = await loadContract(db, id, vendorToday(clock.now()));
    if (!ifMatchAllows(ifMatch, etagOf(current.resource))) throw preconditionFailed();
    expected = { plan: current.plan, endsOn: current.endsOn };
  }
  try {
    await change(expected);
  } catch (err) {
    if (err instanceof AppError && err.id === 'contract-changed') throw ifMatch !== undefined ? preconditionFailed() : changedMeanwhile();
    throw err;
  }
  const after = await loadContract(db, id, vendorToday(clock.now()));
  c.header('ETag', etagOf(after.resource));
  return after.resource;
}

export function registerContractsApi(app: ApiApp): void {
  // A change of what cannot be a contract ("ending", a typo) is a 404 before its body is judged: a PATCH to
  // /contracts/ending is not a contract whose plan is missing.
  const notAContract: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !isUuid(c.req.param('id') ?? '')) return problem(c, 404, 'contract-not-found', 'No existe un contrato con ese identificador.');
    return next();
  };
  app.use('/contracts/:id', notAContract);
  app.use('/contracts/:id/end', notAContract);

  app.openapi(createContract, async (c) => {
    const deps = c.get('deps');
    const { id } = await addContract(deps, c.get('apiClient'), { rut: c.req.valid('param').rut }, c.req.valid('json'));
    const { resource } = await loadContract(deps.db, id, vendorToday(deps.clock.now()));
    c.header('Location', `/api/v1/contracts/${id}`);
    c.header('ETag', etagOf(resource));
    return c.json(resource, 201);
  });

  app.openapi(listCustomerContracts, async (c) => {
    const { db, clock } = c.get('deps');
    const customer = await findCustomerByRut(db, c.req.valid('param').rut);
    const today = vendorToday(clock.now());
    const rows = await listContracts(db, customer.id, today);
    const items = rows.map((k) =>
      presentContract({ id: k.id, customerRut: customer.rut, systemSlug: k.systemSlug, systemName: k.systemName, plan: k.plan, startsOn: k.startsOn, endsOn: k.endsOn }, today),
    );
    return c.json({ items }, 200);
  });

  // Before /contracts/{id}, which would take "ending" for an id.
  app.openapi(listEnding, async (c) => {
    const { db, clock } = c.get('deps');
    const { days, limit, cursor } = c.req.valid('query');
    const today = vendorToday(clock.now());
    // The cursor carries the day it was made on: a page on another day would answer for a different window.
    const key = cursor === undefined ? undefined : decodeCursor(cursor, 6);
    if (key && (key[0] !== today || key[1] !== days)) throw new AppError(422, 'invalid-cursor', 'El cursor es de otro día o de otro `days`: empiece de nuevo sin `cursor`.');
    const after = key ? (key.slice(2).map(String) as EndingKey) : undefined;
    const rows = await listContractsEndingAfter(db, { today, days, limit: limit + 1, after });
    const page = rows.slice(0, limit);
    const items = page.map((k) => ({
      ...presentContract(k, today),
      customerName: k.customerName,
      daysLeft: k.daysLeft!,
    }));
    const last = page.at(-1);
    const nextCursor = rows.length > limit && last ? encodeCursor([today, days, ...endingKeyOf(last)]) : null;
    return c.json({ items, nextCursor }, 200);
  });

  app.openapi(getContract, async (c) => {
    const { db, clock } = c.get('deps');
    const { resource } = await loadContract(db, c.req.valid('param').id, vendorToday(clock.now()));
    c.header('ETag', etagOf(resource));
    return c.json(resource, 200);
  });

  app.openapi(patchContract, async (c) => {
    const { id } = c.req.valid('param');
    const { plan } = c.req.valid('json');
    const resource = await changeUnderIfMatch(c, id, (expected) => changeContractPlan(c.get('deps'), c.get('apiClient'), { id, plan, expected }));
    return c.json(resource, 200);
  });

  app.openapi(endContractRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { endsOn } = c.req.valid('json');
    const resource = await changeUnderIfMatch(c, id, (expected) => endContract(c.get('deps'), c.get('apiClient'), { id, endsOn, expected }));
    return c.json(resource, 200);
  });
}
