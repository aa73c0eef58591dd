import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { createTestEndpoint } from '../../tests/webhook-fixtures.ts';
import { cliOperator, type Principal } from '../auth/principal.ts';
import { AppError } from '../errors.ts';
import { changeWebhookEndpoint } from './change-webhook-endpoint.ts';
import { createWebhookEndpoint } from './create-webhook-endpoint.ts';
import { deleteWebhookEndpoint } from './delete-webhook-endpoint.ts';
import { setWebhookEndpointPaused } from './set-webhook-endpoint-paused.ts';
import { rotateWebhookSecret, showWebhookSecret } from './webhook-endpoint-secret.ts';

/** The operations behind the console's pages, called as other principals would (the pages' own tests go over HTTP). */

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false, env: { WEBHOOK_ALLOW_LOCALHOST: 'true' } });
});
afterAll(() => rt.close());

const api: Principal = { kind: 'api', clientId: 'tok-1', name: 'Facturación', prefix: 'mpt_00000000', scopes: new Set(['customers:write', 'contracts:write', 'users:write', 'customers:read', 'audit:read']), ip: null };
const customerAdmin: Principal = { kind: 'user', userId: 'u-1', name: 'Ana', email: 'ana@cliente.cl', role: 'admin', customer: { id: 'c-1', rut: '76543210-3', name: 'Cliente' }, ip: null };
const soporte: Principal = { kind: 'staff', staffId: 's-1', name: 'Sole', email: 'sole@proveedor.cl', role: 'soporte', ip: null };

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof AppError) return err.status;
    throw err;
  }
}

describe('webhook endpoint operations', () => {
  it('refuse an API token (whatever its scopes), a customer user and a staff role without webhooks:manage, writing nothing', async () => {
    const e = await createTestEndpoint(rt);
    const before = await rt.deps.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', e.id).executeTakeFirstOrThrow();
    for (const who of [api, customerAdmin, soporte]) {
      const input = { url: `https://${who.kind}.ejemplo.cl/h`, description: 'X', events: ['user.created'] };
      expect(await status(createWebhookEndpoint(rt.deps, who, input)), who.kind).toBe(403);
      expect(await status(changeWebhookEndpoint(rt.deps, who, e.id, { ...input, revision: 0 })), who.kind).toBe(403);
      expect(await status(setWebhookEndpointPaused(rt.deps, who, e.id, true)), who.kind).toBe(403);
      expect(await status(showWebhookSecret(rt.deps, who, e.id)), who.kind).toBe(403);
      expect(await status(rotateWebhookSecret(rt.deps, who, e.id)), who.kind).toBe(403);
      expect(await status(deleteWebhookEndpoint(rt.deps, who, e.id)), who.kind).toBe(403);
    }
    expect(await rt.deps.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', e.id).executeTakeFirstOrThrow()).toEqual(before);
    expect((await rt.deps.db.selectFrom('webhook_endpoints').select('id').execute()).length).toBe(1);
  });

  it('let the terminal’s operator register one, audited as the CLI; http to this machine only when WEBHOOK_ALLOW_LOCALHOST is on', async () => {
    const r = await createWebhookEndpoint(rt.deps, cliOperator('root'), { url: 'http://localhost:4000/hooks', description: 'Receptor local', events: ['article.published', 'customer.created'] });
    expect(r.url).toBe('http://localhost:4000/hooks');
    const row = await rt.deps.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    // Stored in the list's order, whatever order they came in.
    expect(row.events).toBe('customer.created article.published');
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'webhook-endpoint.created').where('target_label', '=', r.url).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_kind: 'cli', actor_label: 'operador (root)' });
    // Still not http to anywhere else.
    expect(await status(createWebhookEndpoint(rt.deps, cliOperator('root'), { url: 'http://erp.ejemplo.cl/hooks', description: 'X', events: ['user.created'] }))).toBe(422);
  });
});
