import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOperator, type Principal } from '../auth/principal.ts';
import { AppError, ValidationError } from '../errors.ts';
import { readableMail } from '../mail/mail-secrets.ts';
import { consoleClient, invitationPathFor } from '../../tests/staff-auth-helpers.ts';
import { createTestStaff } from '../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { DUPLICATE_STAFF_EMAIL, inviteStaff } from './invite-staff.ts';
import { resendStaffInvitation } from './resend-staff-invitation.ts';
import { resetStaffMfa } from './reset-staff-mfa.ts';

describe('inviteStaff / resendStaffInvitation / resetStaffMfa', () => {
  let rt: TestRuntime;
  let seq = 0;
  const cli = cliOperator('prueba');
  const nextEmail = () => `persona${++seq}@proveedor.cl`;
  beforeAll(async () => {
    rt = await createTestRuntime({ withHelp: false });
  });
  afterAll(async () => rt.close());

  const staffPrincipal = async (role: 'admin' | 'soporte'): Promise<Principal> => {
    const s = await createTestStaff(rt.deps, role);
    return { kind: 'staff', staffId: s.id, name: s.name, email: s.email, role, ip: '203.0.113.9' };
  };

  it('creates a pending staff member and queues the invitation with its link only in the outbox secrets', async () => {
    const email = nextEmail();
    const { staffId } = await inviteStaff(rt.deps, cli, { email: `  ${email.toUpperCase()} `, name: 'Rosa Soto', role: 'admin' });
    const row = await rt.deps.db.selectFrom('staff').selectAll().where('id', '=', staffId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email, role: 'admin', password_hash: null, created_by: 'cli:operador (prueba)' });
    const mail = await rt.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', email).executeTakeFirstOrThrow();
    expect(mail.kind).toBe('staff-invitation');
    expect(mail.text_body).not.toMatch(/invitacion\?token=[\w-]{43}/);
    expect(mail.secrets).toMatch(/invitacion\?token=[\w-]{43}/);
    expect(readableMail(mail).text_body).toMatch(/http:\/\/localhost\/proveedor\/invitacion\?token=[\w-]{43}/);
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'staff.invited').where('target_label', '=', email).executeTakeFirstOrThrow();
    expect(audit.actor_kind).toBe('cli');
    expect(audit.actor_label).toBe('operador (prueba)');
  });

  it('records a staff actor as staff and refuses a duplicate e-mail, a bad role, or a bad e-mail with Spanish messages', async () => {
    const admin = await staffPrincipal('admin');
    const email = nextEmail();
    await inviteStaff(rt.deps, admin, { email, name: 'Uno', role: 'lectura' });
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'staff.invited').where('target_label', '=', email).executeTakeFirstOrThrow();
    expect(audit.actor_kind).toBe('staff');
    const dup = await inviteStaff(rt.deps, admin, { email: email.toUpperCase(), name: 'Dos', role: 'lectura' }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ValidationError);
    expect((dup as ValidationError).fieldErrors.email).toBe(DUPLICATE_STAFF_EMAIL);
    const bad = (await inviteStaff(rt.deps, admin, { email: 'no-es-correo', name: '', role: 'jefe' as never }).catch((e: unknown) => e)) as ValidationError;
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(['email', 'name', 'role']);
    expect(bad.fieldErrors.role).toContain('Elija un perfil');
  });

  it('refuses a staff role without staff:manage and a customer user, writing nothing', async () => {
    const soporte = await staffPrincipal('soporte');
    const email = nextEmail();
    await expect(inviteStaff(rt.deps, soporte, { email, name: 'X', role: 'admin' })).rejects.toMatchObject({ status: 403 });
    const user: Principal = { kind: 'user', userId: 'u', name: 'U', email: 'u@x.cl', role: 'admin', customer: { id: 'c', rut: '1', name: 'C' }, ip: null };
    await expect(inviteStaff(rt.deps, user, { email, name: 'X', role: 'admin' })).rejects.toMatchObject({ status: 403 });
    expect(await rt.deps.db.selectFrom('staff').select('id').where('email', '=', email).execute()).toHaveLength(0);
    expect(await rt.deps.db.selectFrom('outbox').select('id').where('to_address', '=', email).execute()).toHaveLength(0);
  });

  it('resends a pending invitation: a new link works, the old one stops; an accepted one cannot be resent; an unknown id is 404', async () => {
    const email = nextEmail();
    const { staffId } = await inviteStaff(rt.deps, cli, { email, name: 'Tres', role: 'editor' });
    const oldPath = await invitationPathFor(rt, email);
    rt.clock.advance(1_000);
    await resendStaffInvitation(rt.deps, cli, staffId);
    const newPath = await invitationPathFor(rt, email);
    expect(newPath).not.toBe(oldPath);
    expect((await consoleClient(rt).get(oldPath)).status).toBe(410);
    expect((await consoleClient(rt).get(newPath)).status).toBe(200);
    const mails = await rt.deps.db.selectFrom('outbox').select('kind').where('to_address', '=', email).execute();
    expect(mails.map((m) => m.kind).sort()).toEqual(['staff-invitation', 'staff-invitation-resent']);

    const active = await createTestStaff(rt.deps, 'lectura');
    await expect(resendStaffInvitation(rt.deps, cli, active.id)).rejects.toMatchObject({ status: 409 });
    await expect(resendStaffInvitation(rt.deps, cli, 'no-existe')).rejects.toBeInstanceOf(AppError);
    await expect(resendStaffInvitation(rt.deps, cli, 'no-existe')).rejects.toMatchObject({ status: 404 });
    await expect(resetStaffMfa(rt.deps, cli, 'no-existe')).rejects.toMatchObject({ status: 404 });
    await expect(resetStaffMfa(rt.deps, await staffPrincipal('soporte'), active.id)).rejects.toMatchObject({ status: 403 });
  });
});
