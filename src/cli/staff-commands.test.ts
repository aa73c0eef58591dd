import { describe, expect, it } from 'vitest';
import { cli, useCliDatabase } from '../../tests/cli-harness.ts';

// `portal staff …` end to end on a real SQLite file, as an operator runs it.

useCliDatabase('portal-cli-staff-');

describe('portal staff', () => {
  it('lists the staff commands in its usage', async () => {
    const r = await cli('--help');
    for (const c of ['staff create', 'staff resend-invitation', 'staff reset-password', 'staff reset-mfa']) expect(r.out).toContain(`portal ${c}`);
  });

  it('creates an administrator whose invitation waits in the outbox, audited as the CLI', async () => {
    const r = await cli('staff', 'create', '--email', 'Jefa@Proveedor.cl', '--name', 'Marta Jefa', '--role', 'admin');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('jefa@proveedor.cl');
    expect(r.out).toContain('72 horas');
    const outbox = await cli('outbox', 'list');
    expect(outbox.out).toContain('jefa@proveedor.cl');
    expect(outbox.out).toContain('staff-invitation');

    const again = await cli('staff', 'create', '--email', 'jefa@proveedor.cl', '--name', 'Otra', '--role', 'admin');
    expect(again.code).toBe(1);
    expect(again.err).toContain('Ya hay una persona del personal con ese correo.');

    const resent = await cli('staff', 'resend-invitation', '--email', 'JEFA@proveedor.cl');
    expect(resent.code).toBe(0);
    expect(resent.out).toContain('Nueva invitación');

    // Still without a password: there is none to replace, and the message says what to do instead.
    const reset = await cli('staff', 'reset-password', '--email', 'jefa@proveedor.cl');
    expect(reset.code).toBe(1);
    expect(reset.err).toContain('reenvíele la invitación');
  });

  it('explains a bad role or a missing option', async () => {
    const bad = await cli('staff', 'create', '--email', 'x@proveedor.cl', '--name', 'X', '--role', 'jefe');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('Elija un perfil');
    const missing = await cli('staff', 'create', '--email', 'x@proveedor.cl', '--name', 'X');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('--role');
    const unknown = await cli('staff', 'reset-mfa', '--email', 'nadie@proveedor.cl');
    expect(unknown.code).toBe(1);
  });
});
