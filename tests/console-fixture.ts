import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser, type TestCustomer } from './factories.ts';
import { createTestStaff, type TestStaff } from './staff-fixtures.ts';
import type { TestRuntime } from './test-runtime.ts';
import { cliOperator } from '../src/auth/principal.ts';
import { createCustomer } from '../src/customers/create-customer.ts';
import { inviteStaff } from '../src/staff/invite-staff.ts';
import { createTestEndpoint, queueTestDelivery } from './webhook-fixtures.ts';

/** One real row for every kind of id a console route takes, so a test can reach each route past its 404. */
export interface ConsoleFixture {
  customer: TestCustomer;
  techId: string;
  contractId: string;
  /** A credentials mail in the outbox, as the console's Correo page would show it. */
  mailId: string;
  /** A finished (invalid) import run, by a soporte member of its own. */
  importId: string;
  /** The staff member the console's Personal actions aim at (no session). */
  target: TestStaff;
  /** A staff member invited but not yet signed up. */
  invitedId: string;
  /** A published article of the shipped help. */
  articleId: string;
  /** A webhook endpoint, active, and a dead delivery to it ("Enviar otra vez" works on it). */
  webhookId: string;
  deliveryId: string;
}

export async function createConsoleFixture(rt: TestRuntime): Promise<ConsoleFixture> {
  const customer = await createCustomerWithAdmin(rt.deps);
  const tech = await createTechnicalUser(rt.deps, customer.id);
  const contractId = await addContractFor(rt.deps, customer.id, 'contabilidad', '2026-01-01', '2026-12-31');
  const made = await createCustomer(rt.deps, cliOperator('prueba'), { rut: '11.111.111-1', name: 'Cliente del Correo SpA', adminName: 'Ana Correo', adminEmail: 'ana@correo.cl' });
  expect(made.rut).toBe('11111111-1');
  const mail = await rt.deps.db.selectFrom('outbox').select('id').where('to_address', '=', 'ana@correo.cl').executeTakeFirstOrThrow();
  const importId = randomUUID();
  const now = rt.clock.now().toISOString();
  const importer = await createTestStaff(rt.deps, 'soporte');
  await rt.deps.db
    .insertInto('import_runs')
    .values({ id: importId, staff_id: importer.id, file_name: 'clientes.csv', status: 'invalid', total_rows: 1, problems: '[]', summary: null, created_at: now, finished_at: now })
    .execute();
  const target = await createTestStaff(rt.deps, 'lectura');
  const { staffId: invitedId } = await inviteStaff(rt.deps, cliOperator('prueba'), { email: 'invitada@proveedor.cl', name: 'Invitada Pendiente', role: 'lectura' });
  const article = await rt.deps.db.selectFrom('help_articles').select('id').where('published', '=', 1).orderBy('id').limit(1).executeTakeFirstOrThrow();
  const webhook = await createTestEndpoint(rt);
  const { deliveryId } = await queueTestDelivery(rt, webhook.id, 'fallido');
  return { customer, techId: tech.id, contractId, mailId: mail.id, importId, target, invitedId, articleId: article.id, webhookId: webhook.id, deliveryId };
}
