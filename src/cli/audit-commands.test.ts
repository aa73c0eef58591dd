import { describe, expect, it } from 'vitest';
import { cli, useCliDatabase } from '../../tests/cli-harness.ts';
import { newRut } from '../../tests/factories.ts';

// audit list, outbox list, system list and the help reports at the terminal, on the console's operations.

useCliDatabase('portal-audit-cli-', { testDatabase: 'cli' });

describe('portal audit list', () => {
  it('lists every event without --rut, one customer with it, and filters by action, kind and days', async () => {
    const rut = newRut();
    expect((await cli('customer', 'create', '--rut', rut, '--name', 'Auditada SpA', '--admin-name', 'Ana', '--admin-email', 'ana@auditada.cl')).code).toBe(0);
    const all = await cli('audit', 'list');
    expect(all.code).toBe(0);
    expect(all.out).toContain('customer.created');
    expect(all.out).toContain('Cliente creado');
    const one = await cli('audit', 'list', '--rut', rut, '--action', 'customer.created', '--kind', 'cli');
    expect(one.out).toContain('ana@auditada.cl');
    expect((await cli('audit', 'list', '--action', 'mail.discarded')).out).toBe('No hay eventos con esos filtros.');
    expect((await cli('audit', 'list', '--from', '2000-01-01', '--to', '2000-01-31')).out).toBe('No hay eventos con esos filtros.');
  });

  it('refuses bad filters with the Spanish message', async () => {
    const r = await cli('audit', 'list', '--from', '2026-02-30');
    expect(r.code).toBe(1);
    expect(r.err).toContain('debe ser un día válido');
    const unknown = await cli('audit', 'list', '--rut', '11.111.111-1');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No hay un cliente con ese RUT.');
  });
});

describe('portal outbox list, system list, help reads', () => {
  it('work on the same operations as the console', async () => {
    const failed = await cli('outbox', 'list', '--failed');
    expect(failed.code).toBe(0);
    expect(failed.out).toContain('No hay correos con esos filtros.');
    expect((await cli('outbox', 'list', '--to', 'auditada')).out).toContain('ana@auditada.cl');
    expect((await cli('outbox', 'list', '--dead', '--failed')).code).toBe(1);
    expect((await cli('system', 'list')).code).toBe(0);
    const reads = await cli('help', 'reads');
    expect(reads.code).toBe(0);
    expect(reads.out).toContain('No hubo lecturas en el período.');
    expect((await cli('help', 'misses', '--from', '2026-01-01')).code).toBe(0);
    expect((await cli('help', 'feedback', '--from', 'nunca')).code).toBe(1);
  });
});
