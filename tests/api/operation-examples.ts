import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Deps } from '../../src/deps.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, newRut, type TestCustomer } from '../factories.ts';
import { TEST_START } from '../test-runtime.ts';

/**
 * A valid request for every operation of /api/v1, keyed "METHOD /template"
 * as in the OpenAPI document: the scope matrix sends each with every token,
 * the fuzz test starts from it. exampleFor() fails when the document has an
 * operation missing here, so a new operation cannot go untested, and
 * examples.test.ts fails on an example whose operation is gone.
 *
 * An example that changes what it touches (rename, disable, end, delete)
 * asks for a fresh customer each time, so every call finds what it needs
 * and none depends on the order the matrix runs in.
 */
export interface ExampleRequest {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Subject {
  customer: TestCustomer;
  technicalUserId: string;
  contractId: string;
}

export interface ExampleFixtures extends Subject {
  deps: Deps;
  /** A new customer with its admin, a technical user and a contract in force. */
  fresh(): Promise<Subject>;
}

export async function exampleFixtures(deps: Deps): Promise<ExampleFixtures> {
  const fresh = async (): Promise<Subject> => {
    const customer = await createCustomerWithAdmin(deps);
    const technical = await createTechnicalUser(deps, customer.id);
    const contractId = await addContractFor(deps, customer.id, 'contabilidad', '2026-01-01', null);
    return { customer, technicalUserId: technical.id, contractId };
  };
  return { deps, fresh, ...(await fresh()) };
}

type Example = (f: ExampleFixtures) => ExampleRequest | Promise<ExampleRequest>;

const unique = () => randomUUID().slice(0, 8);
const day = (offsetDays: number) => new Date(TEST_START.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);

export const OPERATION_EXAMPLES: Record<string, Example> = {
  'GET /systems': () => ({ path: '/systems' }),

  'POST /customers': () => ({
    path: '/customers',
    body: { rut: newRut(), name: `Cliente de ejemplo ${unique()}`, adminName: 'Ana Administradora', adminEmail: `ana-${unique()}@ejemplo.cl` },
    headers: { 'idempotency-key': randomUUID() },
  }),
  'GET /customers': () => ({ path: '/customers?limit=2' }),
  'GET /customers/{rut}': (f) => ({ path: `/customers/${f.customer.rut}` }),
  'PATCH /customers/{rut}': async (f) => ({ path: `/customers/${(await f.fresh()).customer.rut}`, body: { name: `Renombrado ${unique()} S.A.` } }),
  'POST /customers/{rut}/disable': async (f) => ({ path: `/customers/${(await f.fresh()).customer.rut}/disable` }),
  'POST /customers/{rut}/enable': async (f) => ({ path: `/customers/${(await f.fresh()).customer.rut}/enable` }),

  'POST /customers/{rut}/contracts': (f) => ({
    path: `/customers/${f.customer.rut}/contracts`,
    body: { system: 'remuneraciones', plan: `Plan ${unique()}`, startsOn: day(10), endsOn: null },
    headers: { 'idempotency-key': randomUUID() },
  }),
  'GET /customers/{rut}/contracts': (f) => ({ path: `/customers/${f.customer.rut}/contracts` }),
  'GET /contracts/ending': () => ({ path: '/contracts/ending?days=30' }),
  'GET /contracts/{id}': (f) => ({ path: `/contracts/${f.contractId}` }),
  'PATCH /contracts/{id}': async (f) => ({ path: `/contracts/${(await f.fresh()).contractId}`, body: { plan: `Plan ${unique()}` } }),
  'POST /contracts/{id}/end': async (f) => ({ path: `/contracts/${(await f.fresh()).contractId}/end`, body: { endsOn: day(40) } }),

  'GET /customers/{rut}/users': (f) => ({ path: `/customers/${f.customer.rut}/users` }),
  'GET /customers/{rut}/users/{userId}': (f) => ({ path: `/customers/${f.customer.rut}/users/${f.technicalUserId}` }),
  'POST /customers/{rut}/users': (f) => ({
    path: `/customers/${f.customer.rut}/users`,
    body: { name: 'Tomás Técnico', email: `tecnico-${unique()}@ejemplo.cl` },
    headers: { 'idempotency-key': randomUUID() },
  }),
  'POST /customers/{rut}/users/{userId}/resend-credentials': async (f) => {
    const s = await f.fresh();
    return { path: `/customers/${s.customer.rut}/users/${s.technicalUserId}/resend-credentials` };
  },
  'POST /customers/{rut}/users/{userId}/disable': async (f) => {
    const s = await f.fresh();
    return { path: `/customers/${s.customer.rut}/users/${s.technicalUserId}/disable` };
  },
  'POST /customers/{rut}/users/{userId}/enable': async (f) => {
    const s = await f.fresh();
    return { path: `/customers/${s.customer.rut}/users/${s.technicalUserId}/enable` };
  },
  'DELETE /customers/{rut}/users/{userId}': async (f) => {
    const s = await f.fresh();
    return { path: `/customers/${s.customer.rut}/users/${s.technicalUserId}` };
  },
  'PUT /customers/{rut}/users/{userId}/help-scope': async (f) => {
    const s = await f.fresh();
    return { path: `/customers/${s.customer.rut}/users/${s.technicalUserId}/help-scope`, body: { systems: ['contabilidad'] } };
  },

  'GET /audit-events': () => ({ path: '/audit-events?limit=5' }),
};

/** The example of an operation, or a failure naming what to add. */
export function exampleFor(method: string, template: string): Example {
  const key = `${method.toUpperCase()} ${template}`;
  const example = OPERATION_EXAMPLES[key];
  expect(example, `${key} has no example request: add one to tests/api/operation-examples.ts (the scope matrix and the fuzz test need it)`).toBeDefined();
  return example!;
}
