import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location, TestClient } from '../../../../tests/client.ts';
import { addContractFor, createCustomerWithAdmin, createTechnicalUser } from '../../../../tests/factories.ts';
import { hrefs, signedIn } from '../../../../tests/help-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
});
afterAll(() => rt.close());

const subscription = (userId: string) => rt.deps.db.selectFrom('help_digest_subscriptions').selectAll().where('user_id', '=', userId).executeTakeFirst();
const audits = (userId: string) =>
  rt.deps.db.selectFrom('audit_events').select(['action', 'actor_user_id', 'actor_kind']).where('target_user_id', '=', userId).where('action', 'like', 'help.digest-%').orderBy('at').execute();

describe('/cuenta/novedades', () => {
  it('is linked from Mi cuenta and subscribes and unsubscribes the person, audited once per change', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const client = await signedIn(rt, c);
    expect(hrefs(await (await client.get('/cuenta')).text())).toContain('/cuenta/novedades');
    const form = await (await client.get('/cuenta/novedades')).text();
    expect(form).toContain('<legend>Recibir cada semana un resumen de los cambios en la ayuda de mis sistemas</legend>');
    expect(form).toMatch(/<input type="radio" id="recibir-no" name="recibir" value="no" checked=""\/>/);

    const on = await client.post('/cuenta/novedades', { recibir: 'si' });
    expect(location(on)).toBe('/cuenta/novedades');
    const row = await subscription(c.admin.id);
    expect(row).toMatchObject({ subscribed_at: rt.clock.now().toISOString(), last_sent_at: null });
    expect(row!.unsubscribe_hash).toMatch(/^[0-9a-f]{64}$/);
    const page = await (await client.get('/cuenta/novedades')).text();
    expect(page).toContain('recibirá cada lunes un resumen');
    expect(page).toMatch(/<input type="radio" id="recibir-si" name="recibir" value="si" checked=""\/>/);
    // Asking again for the same changes nothing: no second row, no second audit event, the original date kept.
    rt.clock.advance(60_000);
    await client.post('/cuenta/novedades', { recibir: 'si' });
    expect((await subscription(c.admin.id))!.subscribed_at).toBe(row!.subscribed_at);

    await client.post('/cuenta/novedades', { recibir: 'no' });
    expect(await subscription(c.admin.id)).toBeUndefined();
    expect(await audits(c.admin.id)).toEqual([
      { action: 'help.digest-subscribed', actor_user_id: c.admin.id, actor_kind: 'user' },
      { action: 'help.digest-unsubscribed', actor_user_id: c.admin.id, actor_kind: 'user' },
    ]);
  });

  it('is open to technical users too, and each person only ever changes their own subscription', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await addContractFor(rt.deps, c.id, 'contabilidad', '2025-01-01').catch(() => undefined);
    const tech = await createTechnicalUser(rt.deps, c.id);
    const t = await signedIn(rt, c, tech.email, tech.password);
    expect((await t.post('/cuenta/novedades', { recibir: 'si', user_id: c.admin.id })).status).toBe(303);
    expect(await subscription(tech.id)).toBeDefined();
    expect(await subscription(c.admin.id)).toBeUndefined();
  });

  it('refuses a missing or odd choice with a Spanish message and changes nothing; needs the CSRF token and a session', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const client = await signedIn(rt, c);
    for (const fields of [{}, { recibir: 'quizas' }] as Array<Record<string, string>>) {
      const res = await client.post('/cuenta/novedades', fields);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain('Elija si quiere recibir el resumen semanal.');
    }
    expect((await client.post('/cuenta/novedades', { recibir: 'si', _csrf: '' })).status).toBe(403);
    expect(await subscription(c.admin.id)).toBeUndefined();
    expect(location(await new TestClient(rt).get('/cuenta/novedades'))).toMatch(/^\/ingresar/);
    expect((await new TestClient(rt).post('/cuenta/novedades', { recibir: 'si' })).status).toBe(303);
    expect(await audits(c.admin.id)).toEqual([]);
  });

  it('two requests at once subscribe once', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const client = await signedIn(rt, c);
    await Promise.all([client.post('/cuenta/novedades', { recibir: 'si' }), client.post('/cuenta/novedades', { recibir: 'si' })]);
    expect(await audits(c.admin.id)).toHaveLength(1);
  });
});
