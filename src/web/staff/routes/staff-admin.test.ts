import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOperator } from '../../../auth/principal.ts';
import { changeStaffRole } from '../../../staff/change-staff-role.ts';
import { listStaff } from '../../../staff/list-staff.ts';
import { setStaffDisabled } from '../../../staff/set-staff-disabled.ts';
import { TestClient, location } from '../../../../tests/client.ts';
import { createTestStaff, signedInStaff, staffClient, totpCode } from '../../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../../tests/test-runtime.ts';

describe('Personal (/proveedor/personal)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(async () => rt.close());

  const staffRow = (id: string) => rt.deps.db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const auditOf = (action: string, label: string) =>
    rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action).where('target_label', '=', label).execute();
  const countRows = async (table: 'staff' | 'audit_events' | 'outbox') => (await rt.deps.db.selectFrom(table).select('id').execute()).length;

  it('shows an administrator every staff member with role, state, MFA and last sign-in', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const pending = await createTestStaff(rt.deps, 'editor', { enrolled: false, name: 'Elena Enrolando' });
    const off = await createTestStaff(rt.deps, 'lectura', { disabled: true, name: 'Darío Deshabilitado' });
    await rt.deps.db.updateTable('staff').set({ last_sign_in_at: rt.clock.now().toISOString() }).where('id', '=', off.id).execute();
    const res = await client.get('/proveedor/personal');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Personal</h1>');
    expect(html).toContain(pending.email);
    expect(html).toContain('Falta configurar MFA');
    expect(html).toContain('Deshabilitado');
    expect(html).toContain('Su propia cuenta');
    expect(html).toContain('aria-current="page"');
    expect(html).toContain('name="role"');
    const items = await listStaff(rt.deps.db);
    expect(items.find((s) => s.id === pending.id)).toMatchObject({ state: 'pending-enrolment', mfaEnrolled: false });
    expect(items.find((s) => s.id === off.id)).toMatchObject({ state: 'disabled', lastSignInAt: rt.clock.now().toISOString() });
    expect(items[0]!.role).toBe('admin');
  });

  it.each(['soporte', 'editor', 'lectura'] as const)('refuses %s: 403 on the page and on every write, nothing written', async (role) => {
    const { client } = await signedInStaff(rt, role);
    const victim = await createTestStaff(rt.deps, 'soporte');
    expect((await client.get('/proveedor/personal')).status).toBe(403);
    const before = { staff: await countRows('staff'), audit: await countRows('audit_events'), outbox: await countRows('outbox') };
    const posts: Array<[string, Record<string, string>]> = [
      ['/proveedor/personal/invitar', { email: `nuevo-${randomUUID().slice(0, 6)}@proveedor.cl`, name: 'Nueva Persona', role: 'admin' }],
      [`/proveedor/personal/${victim.id}/rol`, { role: 'lectura' }],
      [`/proveedor/personal/${victim.id}/deshabilitar`, {}],
      [`/proveedor/personal/${victim.id}/restablecer-mfa`, {}],
      [`/proveedor/personal/${victim.id}/reenviar`, {}],
    ];
    for (const [path, fields] of posts) expect((await client.post(path, fields)).status, path).toBe(403);
    expect({ staff: await countRows('staff'), audit: await countRows('audit_events'), outbox: await countRows('outbox') }).toEqual(before);
    expect(await staffRow(victim.id)).toMatchObject({ role: 'soporte', disabled_at: null });
  });

  it('sends a signed-out visitor to the staff sign-in', async () => {
    const res = await new TestClient(rt, {}, 'staff_csrf').get('/proveedor/personal');
    expect(location(res)).toMatch(/^\/proveedor\/ingresar/);
  });

  it('invites a new member (mail queued, audited) and re-renders the form with Spanish errors on bad input', async () => {
    const { client, staff } = await signedInStaff(rt, 'admin');
    const bad = await client.post('/proveedor/personal/invitar', { email: 'no-es-correo', name: '', role: 'jefe' });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('id="errores"');
    expect(html).toContain('href="#email"');
    expect(html).toContain('value="no-es-correo"');
    const email = `invitada-${randomUUID().slice(0, 6)}@proveedor.cl`;
    const ok = await client.post('/proveedor/personal/invitar', { email, name: 'Inés Invitada', role: 'soporte' });
    expect(ok.status).toBe(303);
    expect(location(ok)).toBe('/proveedor/personal');
    const audit = await auditOf('staff.invited', email);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'staff', actor_staff_id: staff.id });
    expect(await rt.deps.db.selectFrom('outbox').select('id').where('to_address', '=', email).execute()).toHaveLength(1);
    const list = await (await client.get('/proveedor/personal')).text();
    expect(list).toContain('Invitación pendiente');
    expect(list).toContain('Reenviar invitación');
    const invited = await rt.deps.db.selectFrom('staff').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    expect((await client.post(`/proveedor/personal/${invited.id}/reenviar`)).status).toBe(303);
    expect(await rt.deps.db.selectFrom('outbox').select('id').where('to_address', '=', email).execute()).toHaveLength(2);
    // An accepted invitation has nothing to resend: said on the page, not a 500.
    const refused = await client.post(`/proveedor/personal/${staff.id}/reenviar`);
    expect(refused.status).toBe(409);
  });

  it('changes a role, audited with the staff principal; an unknown role is a 422, an unknown id a 404', async () => {
    const { client, staff } = await signedInStaff(rt, 'admin');
    const member = await createTestStaff(rt.deps, 'soporte');
    const res = await client.post(`/proveedor/personal/${member.id}/rol`, { role: 'lectura' });
    expect(res.status).toBe(303);
    expect((await staffRow(member.id)).role).toBe('lectura');
    const audit = await auditOf('staff.role-changed', member.email);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'staff', actor_staff_id: staff.id, actor_label: staff.email });
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ staffId: member.id, from: 'soporte', to: 'lectura' });
    expect((await client.post(`/proveedor/personal/${member.id}/rol`, { role: 'jefe' })).status).toBe(422);
    expect((await client.post(`/proveedor/personal/${randomUUID()}/rol`, { role: 'lectura' })).status).toBe(404);
    expect((await client.post(`/proveedor/personal/${randomUUID()}/deshabilitar`)).status).toBe(404);
    expect((await client.post(`/proveedor/personal/${randomUUID()}/restablecer-mfa`)).status).toBe(404);
  });

  it('disabling ends the member’s console sessions; enabling lets them back; both audited', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const member = await createTestStaff(rt.deps, 'soporte');
    const theirs = await staffClient(rt, member);
    expect((await theirs.get('/proveedor')).status).toBe(200);
    expect((await client.post(`/proveedor/personal/${member.id}/deshabilitar`)).status).toBe(303);
    expect((await staffRow(member.id)).disabled_at).not.toBeNull();
    expect(await rt.deps.db.selectFrom('staff_sessions').select('id').where('staff_id', '=', member.id).execute()).toHaveLength(0);
    expect(location(await theirs.get('/proveedor'))).toMatch(/^\/proveedor\/ingresar/);
    expect(JSON.parse((await auditOf('staff.disabled', member.email))[0]!.detail!)).toMatchObject({ sessionsEnded: 1 });
    expect((await client.post(`/proveedor/personal/${member.id}/habilitar`)).status).toBe(303);
    expect((await staffRow(member.id)).disabled_at).toBeNull();
    expect(await auditOf('staff.enabled', member.email)).toHaveLength(1);
  });

  it('resets someone’s MFA, audited', async () => {
    const { client } = await signedInStaff(rt, 'admin');
    const member = await createTestStaff(rt.deps, 'editor');
    expect((await client.post(`/proveedor/personal/${member.id}/restablecer-mfa`)).status).toBe(303);
    expect((await staffRow(member.id)).totp_enrolled_at).toBeNull();
    expect(await auditOf('staff.mfa-reset', member.email)).toHaveLength(1);
  });

  it('an administrator cannot demote or disable themself', async () => {
    const { client, staff } = await signedInStaff(rt, 'admin');
    await createTestStaff(rt.deps, 'admin');
    const demote = await client.post(`/proveedor/personal/${staff.id}/rol`, { role: 'lectura' });
    expect(demote.status).toBe(409);
    expect(await demote.text()).toContain('No puede cambiar su propio rol');
    const disable = await client.post(`/proveedor/personal/${staff.id}/deshabilitar`);
    expect(disable.status).toBe(409);
    expect(await staffRow(staff.id)).toMatchObject({ role: 'admin', disabled_at: null });
    expect(await auditOf('staff.role-changed', staff.email)).toHaveLength(0);
  });

  it('asks for the second factor again before a change when the last one is over 10 minutes old, and does not carry it out', async () => {
    const admin = await createTestStaff(rt.deps, 'admin');
    const member = await createTestStaff(rt.deps, 'soporte');
    const stale = await staffClient(rt, admin, { secondFactorAgoMs: 11 * 60_000 });
    expect((await stale.get('/proveedor/personal')).status).toBe(200);
    for (const [path, fields] of [
      [`/proveedor/personal/${member.id}/rol`, { role: 'lectura' }],
      [`/proveedor/personal/${member.id}/deshabilitar`, {}],
      ['/proveedor/personal/invitar', { email: `paso-${randomUUID().slice(0, 6)}@proveedor.cl`, name: 'Paso Previo', role: 'soporte' }],
    ] as const) {
      const res = await stale.post(path, fields);
      // The step-up page, asking for a code: the change itself has not run.
      expect(location(res), path).not.toBe('/proveedor/personal');
      expect(await res.text(), path).toContain('Confirme que es usted');
    }
    expect(await staffRow(member.id)).toMatchObject({ role: 'soporte', disabled_at: null });
    expect(await rt.deps.db.selectFrom('audit_events').select('id').where('actor_staff_id', '=', admin.id).where('action', 'like', 'staff.%').where('action', '!=', 'staff.step-up').execute()).toHaveLength(0);
    // With a fresh code the same form goes through.
    const done = await stale.post(`/proveedor/personal/${member.id}/rol`, { role: 'lectura', _codigo_paso: totpCode(admin.totpSecret!, rt.clock.now()) });
    expect(location(done)).toBe('/proveedor/personal');
    expect((await staffRow(member.id)).role).toBe('lectura');
  });
});

describe('the last active administrator', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(async () => rt.close());

  const activeAdmins = async () =>
    (await rt.deps.db.selectFrom('staff').select('id').where('role', '=', 'admin').where('disabled_at', 'is', null).execute()).length;

  it('cannot be demoted or disabled, even from the terminal', async () => {
    // Each test of this block starts from whatever admins the last left: make this one the only one.
    await rt.deps.db.updateTable('staff').set({ disabled_at: rt.clock.now().toISOString() }).where('role', '=', 'admin').execute();
    const only = await createTestStaff(rt.deps, 'admin');
    await expect(changeStaffRole(rt.deps, cliOperator('prueba'), { staffId: only.id, role: 'soporte' })).rejects.toMatchObject({ status: 409, id: 'last-staff-admin' });
    await expect(setStaffDisabled(rt.deps, cliOperator('prueba'), { staffId: only.id, disabled: true })).rejects.toMatchObject({ status: 409, id: 'last-staff-admin' });
    expect(await activeAdmins()).toBe(1);
    // An invited administrator who never chose a password does not count as the other one.
    await rt.deps.db
      .insertInto('staff')
      .values({
        id: randomUUID(), email: `sin-clave-${randomUUID().slice(0, 6)}@proveedor.cl`, name: 'Sin Clave', role: 'admin', password_hash: null, password_changed_at: null,
        totp_secret: null, totp_enrolled_at: null, totp_last_step: null, disabled_at: null, last_sign_in_at: null, created_by: 'cli:prueba', created_at: rt.clock.now().toISOString(),
      })
      .execute();
    await expect(changeStaffRole(rt.deps, cliOperator('prueba'), { staffId: only.id, role: 'soporte' })).rejects.toMatchObject({ status: 409 });
  });

  it.each([
    ['demote', (id: string) => [`/proveedor/personal/${id}/rol`, { role: 'soporte' }] as const],
    ['disable', (id: string) => [`/proveedor/personal/${id}/deshabilitar`, {}] as const],
  ])('two administrators who %s each other at once leave one administrator', async (_what, req) => {
    await rt.deps.db.updateTable('staff').set({ disabled_at: rt.clock.now().toISOString() }).where('role', '=', 'admin').execute();
    for (let round = 0; round < 5; round++) {
      const a = await createTestStaff(rt.deps, 'admin');
      const b = await createTestStaff(rt.deps, 'admin');
      const [ca, cb] = [await staffClient(rt, a), await staffClient(rt, b)];
      // Warm both clients' CSRF cookies first so the two POSTs really race.
      await Promise.all([ca.get('/proveedor'), cb.get('/proveedor')]);
      const [pa, fa] = req(b.id);
      const [pb, fb] = req(a.id);
      const [ra, rb] = await Promise.all([ca.post(pa, fa), cb.post(pb, fb)]);
      // One change goes through; the other finds its actor no longer an administrator (403), the target the last one (409),
      // or (disabling) its own session already ended (sent to sign in).
      expect([ra, rb].filter((r) => location(r) === '/proveedor/personal')).toHaveLength(1);
      expect([ra, rb].every((r) => [303, 403, 409].includes(r.status))).toBe(true);
      expect(await activeAdmins()).toBe(1);
      // Leave nobody for the next round.
      await rt.deps.db.updateTable('staff').set({ disabled_at: rt.clock.now().toISOString() }).where('id', 'in', [a.id, b.id]).execute();
    }
  });
});
