import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerWithAdmin, createTechnicalUser, newRut } from '../../tests/factories.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { accountId } from '../auth/password-attempt.ts';
import { cliOperator, type CustomerUserPrincipal, type StaffPrincipal } from '../auth/principal.ts';
import { createSession } from '../auth/session.ts';
import { addCustomerAdmin } from './add-customer-admin.ts';
import { createCustomer } from './create-customer.ts';
import { deleteUser } from './delete-user.ts';
import { endUserSessions } from './end-user-sessions.ts';
import { liftSignInThrottle } from './lift-sign-in-throttle.ts';
import { resendCredentials } from './resend-credentials.ts';
import { setUserDisabled } from './set-user-disabled.ts';

describe('managing a customer’s users: one policy for customer admins, staff and the CLI', () => {
  let rt: TestRuntime;
  const staff: StaffPrincipal = { kind: 'staff', staffId: 'staff-1', name: 'Sofía Soporte', email: 'sofia@proveedor.cl', role: 'soporte', ip: '10.0.0.1' };
  const reader: StaffPrincipal = { ...staff, staffId: 'staff-2', role: 'lectura' };
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(async () => rt.close());

  function adminOf(c: Awaited<ReturnType<typeof createCustomerWithAdmin>>): CustomerUserPrincipal {
    return { kind: 'user', userId: c.admin.id, name: 'Ana', email: c.admin.email, role: 'admin', customer: { id: c.id, rut: c.rut, name: c.name }, ip: null };
  }
  const audit = (action: string, target: string) => rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action).where('target_user_id', '=', target).execute();

  it('lets a customer admin act on its technical users only; staff on anyone, the administrator included', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const other = await createCustomerWithAdmin(rt.deps);
    const tech = await createTechnicalUser(rt.deps, c.id);
    await expect(resendCredentials(rt.deps, adminOf(c), { customerId: c.id, userId: c.admin.id })).rejects.toMatchObject({ status: 403 });
    await expect(resendCredentials(rt.deps, adminOf(c), { customerId: other.id, userId: other.admin.id })).rejects.toMatchObject({ status: 404 });
    await expect(resendCredentials(rt.deps, adminOf(c), { customerId: c.id, userId: other.admin.id })).rejects.toMatchObject({ status: 404 });
    await expect(resendCredentials(rt.deps, reader, { customerId: c.id, userId: tech.id })).rejects.toMatchObject({ status: 403 });
    expect((await resendCredentials(rt.deps, adminOf(c), { customerId: c.id, userId: tech.id })).email).toBe(tech.email);

    const before = await rt.deps.db.selectFrom('users').select('password_hash').where('id', '=', c.admin.id).executeTakeFirstOrThrow();
    await resendCredentials(rt.deps, staff, { customerId: c.id, userId: c.admin.id });
    const after = await rt.deps.db.selectFrom('users').select(['password_hash', 'must_change_password']).where('id', '=', c.admin.id).executeTakeFirstOrThrow();
    expect(after.password_hash).not.toBe(before.password_hash);
    expect(after.must_change_password).toBe(1);
    const mail = await rt.deps.db.selectFrom('outbox').select(['to_address', 'kind']).where('to_address', '=', c.admin.email).execute();
    expect(mail).toEqual([{ to_address: c.admin.email, kind: 'credentials-resent' }]);
    const [event] = await audit('user.credentials-resent', c.admin.id);
    expect(event).toMatchObject({ actor_kind: 'staff', actor_staff_id: 'staff-1', customer_id: c.id, ip: '10.0.0.1' });
    await expect(resendCredentials(rt.deps, staff, { customerId: other.id, userId: c.admin.id })).rejects.toMatchObject({ status: 404 });
    await expect(resendCredentials(rt.deps, staff, { customerId: c.id, userId: 'nada' })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses deleting or disabling the last enabled administrator, and lets one of two go when both are deleted at once', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await expect(deleteUser(rt.deps, staff, { customerId: c.id, userId: c.admin.id })).rejects.toMatchObject({ status: 409, id: 'last-admin' });
    await expect(setUserDisabled(rt.deps, staff, { customerId: c.id, userId: c.admin.id }, true)).rejects.toMatchObject({ status: 409 });
    const second = await addCustomerAdmin(rt.deps, staff, c.id, { name: 'Beto Segundo', email: 'beto@cliente.cl' });
    const results = await Promise.allSettled([
      deleteUser(rt.deps, staff, { customerId: c.id, userId: c.admin.id }),
      deleteUser(rt.deps, staff, { customerId: c.id, userId: second.id }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.id)).toEqual(['last-admin']);
    const admins = await rt.deps.db.selectFrom('users').select('id').where('customer_id', '=', c.id).where('role', '=', 'admin').execute();
    expect(admins).toHaveLength(1);
    // The same user deleted twice at once: one deletion, one audit row, one 404.
    const tech = await createTechnicalUser(rt.deps, c.id);
    const twice = await Promise.allSettled([deleteUser(rt.deps, staff, { customerId: c.id, userId: tech.id }), deleteUser(rt.deps, staff, { customerId: c.id, userId: tech.id })]);
    expect(twice.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await audit('user.deleted', tech.id)).toHaveLength(1);
  });

  it('replaces an administrator in one transaction: the old one kept as technical or disabled, sessions ended', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    await createSession(rt.deps.db, c.admin.id, rt.clock.now(), { idleMs: 1e6, absoluteMs: 1e7 }, { ip: null, userAgent: null });
    const r = await addCustomerAdmin(rt.deps, staff, c.id, { name: 'Nueva Admin', email: 'Nueva@Cliente.cl', replaces: c.admin.id, previousBecomes: 'technical' });
    expect(r.replaced).toBe(c.admin.email);
    const old = await rt.deps.db.selectFrom('users').select(['role', 'disabled_at']).where('id', '=', c.admin.id).executeTakeFirstOrThrow();
    expect(old).toEqual({ role: 'technical', disabled_at: null });
    expect(await rt.deps.db.selectFrom('sessions').select('id').where('user_id', '=', c.admin.id).execute()).toEqual([]);
    expect(await audit('customer.admin-replaced', r.id)).toHaveLength(1);
    expect(await rt.deps.db.selectFrom('outbox').select('id').where('to_address', '=', 'nueva@cliente.cl').execute()).toHaveLength(1);

    // A duplicate e-mail or a bad choice: nothing changes.
    await expect(addCustomerAdmin(rt.deps, staff, c.id, { name: 'X', email: 'nueva@cliente.cl', replaces: r.id, previousBecomes: 'disabled' })).rejects.toMatchObject({ status: 422, fieldErrors: { email: expect.stringContaining('Ya existe') } });
    await expect(addCustomerAdmin(rt.deps, staff, c.id, { name: 'X', email: 'x@cliente.cl', replaces: r.id, previousBecomes: 'jubilado' })).rejects.toMatchObject({ status: 422 });
    await expect(addCustomerAdmin(rt.deps, staff, c.id, { name: 'X', email: 'x@cliente.cl', replaces: c.admin.id, previousBecomes: 'disabled' })).rejects.toMatchObject({ fieldErrors: { replaces: expect.any(String) } });
    expect((await rt.deps.db.selectFrom('users').select(['role', 'disabled_at']).where('id', '=', r.id).executeTakeFirstOrThrow()).disabled_at).toBeNull();
  });

  it('lifts a sign-in throttle and ends sessions, audited', async () => {
    const c = await createCustomerWithAdmin(rt.deps);
    const now = rt.clock.now().toISOString();
    await rt.deps.db.insertInto('throttles').values({ key: `pw:${c.rut}:${c.admin.email}`, account: accountId(c.rut, c.admin.email), failures: 9, blocked_until: '2099-01-01T00:00:00Z', updated_at: now, audited_at: null }).execute();
    expect((await liftSignInThrottle(rt.deps, cliOperator('root'), { customerId: c.id, userId: c.admin.id })).cleared).toBe(1);
    expect(await rt.deps.db.selectFrom('throttles').select('key').where('account', '=', accountId(c.rut, c.admin.email)).execute()).toEqual([]);
    expect((await audit('user.throttle-lifted', c.admin.id))[0]).toMatchObject({ actor_kind: 'cli', actor_label: 'operador (root)' });
    await createSession(rt.deps.db, c.admin.id, rt.clock.now(), { idleMs: 1e6, absoluteMs: 1e7 }, { ip: null, userAgent: null });
    await createSession(rt.deps.db, c.admin.id, rt.clock.now(), { idleMs: 1e6, absoluteMs: 1e7 }, { ip: null, userAgent: null });
    expect((await endUserSessions(rt.deps, staff, { customerId: c.id, userId: c.admin.id })).ended).toBe(2);
    expect(JSON.parse((await audit('user.sessions-ended', c.admin.id))[0]!.detail!)).toEqual({ sessions: 2 });
  });

  it('creates one customer when the same RUT is created twice at once', async () => {
    const rut = newRut();
    const input = (email: string) => ({ rut, name: 'Doble SpA', adminName: 'Dora Doble', adminEmail: email });
    const results = await Promise.allSettled([createCustomer(rt.deps, staff, input('a@doble.cl')), createCustomer(rt.deps, staff, input('b@doble.cl'))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.fieldErrors).toEqual({ rut: 'Ya existe un cliente con ese RUT.' });
    expect(await rt.deps.db.selectFrom('customers').select('id').where('rut', '=', rut).execute()).toHaveLength(1);
    expect(await rt.deps.db.selectFrom('outbox').select('id').where('to_address', 'in', ['a@doble.cl', 'b@doble.cl']).execute()).toHaveLength(1);
  });
});
