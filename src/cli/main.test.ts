import { describe, expect, it } from 'vitest';
import { cli, useCliDatabase } from '../../tests/cli-harness.ts';

// The operator CLI end to end on a real SQLite file, as an operator runs it.

useCliDatabase('portal-cli-');

describe('portal CLI', () => {
  it('prints its usage with every command', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const c of ['customer create', 'contract add', 'contract end', 'customer list', 'user list', 'outbox list']) expect(r.out).toContain(`portal ${c}`);
  });

  it('creates a customer whose administrator gets credentials by mail, records contracts, and lists them', async () => {
    expect((await cli('help', 'import')).out).toMatch(/^Ayuda importada: \d+ nuevos/);
    const created = await cli('customer', 'create', '--rut', '12.345.678-5', '--name', 'Ferretería Sur', '--admin-name', 'Rosa Soto', '--admin-email', 'Rosa@Sur.cl');
    expect(created.code).toBe(0);
    expect(created.out).toContain('12.345.678-5');
    const outbox = await cli('outbox', 'list');
    expect(outbox.out).toContain('rosa@sur.cl');
    expect(outbox.out).toContain('credentials');

    const added = await cli('contract', 'add', '--rut', '123456785', '--system', 'contabilidad', '--plan', 'Plan Pyme', '--from', '2026-01-01');
    expect(added.code).toBe(0);
    const id = /Contrato (\S+) registrado/.exec(added.out)![1]!;
    const ended = await cli('contract', 'end', '--id', id, '--on', '2026-06-30');
    expect(ended.code).toBe(0);
    const list = await cli('contract', 'list', '--rut', '12345678-5');
    expect(list.out).toContain('Contabilidad');
    expect(list.out).toContain('2026-06-30');

    const customers = await cli('customer', 'list');
    expect(customers.out).toContain('Ferretería Sur');
    const users = await cli('user', 'list', '--rut', '12.345.678-5');
    expect(users.out).toMatch(/rosa@sur\.cl\s+Rosa Soto\s+administrador\s+pendiente/);
    const audit = await cli('audit', 'list', '--rut', '12.345.678-5');
    expect(audit.out).toContain('customer.created');
    expect(audit.out).toContain('contract.ended');
  });

  it('explains bad input in Spanish and changes nothing', async () => {
    const before = (await cli('customer', 'list')).out;
    const bad = await cli('customer', 'create', '--rut', '12.345.678-9', '--name', 'Otra', '--admin-name', 'X', '--admin-email', 'no-es-correo');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('dígito verificador');
    expect(bad.err).toContain('correo no tiene un formato válido');
    const dup = await cli('customer', 'create', '--rut', '12345678-5', '--name', 'Otra', '--admin-name', 'X', '--admin-email', 'x@otra.cl');
    expect(dup.err).toContain('Ya existe un cliente con ese RUT');
    const missing = await cli('contract', 'add', '--rut', '12345678-5');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('Falta la opción --system');
    const wrongDates = await cli('contract', 'add', '--rut', '12345678-5', '--system', 'contabilidad', '--plan', 'P', '--from', '2026-05-01', '--to', '2026-04-01');
    expect(wrongDates.err).toContain('no puede ser anterior');
    expect((await cli('customer', 'list')).out).toBe(before);
  });

  it('disables a customer and enables it again', async () => {
    expect((await cli('customer', 'disable', '--rut', '12.345.678-5')).out).toContain('deshabilitado');
    expect((await cli('customer', 'list')).out).toMatch(/Ferretería Sur\s+deshabilitado/);
    // The console's filters, as options with a value (not flags).
    expect((await cli('customer', 'list', '--state', 'disabled', '--search', 'ferreter')).out).toMatch(/Ferretería Sur\s+deshabilitado/);
    expect((await cli('customer', 'list', '--state', 'active')).out).toBe('No hay clientes.');
    expect((await cli('customer', 'list', '--search', 'nadie')).out).toBe('No hay clientes.');
    expect((await cli('customer', 'enable', '--rut', '12.345.678-5')).out).toContain('habilitado');
  });

  it('answers an unknown command with usage and a non-zero code', async () => {
    const r = await cli('nada');
    expect(r.code).toBe(2);
    expect(r.out).toContain('Uso: portal');
  });
});
