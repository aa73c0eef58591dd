import { describe, expect, it, vi } from 'vitest';
import { cli, useCliDatabase } from '../../tests/cli-harness.ts';
import { PostgresChangeSignal } from '../db/postgres-change-signal.ts';

// A CLI run keeps no shared caches, so it holds no listening connection and waits for none
// at boot (up to 5 s when the listener cannot connect). Its writes still reach every
// running portal: the triggers notify at commit (decision 0020).

const isPg = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));

useCliDatabase('portal-cli-signal-', { testDatabase: 'clis' });

describe.runIf(isPg)('portal CLI on PostgreSQL', () => {
  it('starts no change listener', async () => {
    const connect = vi.spyOn(PostgresChangeSignal.prototype as unknown as { connect(): Promise<void> }, 'connect');
    try {
      const r = await cli('customer', 'list');
      expect(r.code, r.err).toBe(0);
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });
});
