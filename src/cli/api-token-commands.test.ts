import { describe, expect, it } from 'vitest';
import { hashToken } from '../auth/token.ts';
import { createDb } from '../db/create-db.ts';
import { cli, useCliDatabase } from '../../tests/cli-harness.ts';

// `portal api-token …` end to end, as an operator runs it: a SQLite file, or a PostgreSQL schema of its own.

useCliDatabase('portal-cli-api-token-', { testDatabase: 'cli_api' });

/** The CLI's database, looked at directly (what is stored, what the audit says). */
async function withDb<T>(f: (db: ReturnType<typeof createDb>['db']) => Promise<T>): Promise<T> {
  const { db, close } = createDb(process.env.DATABASE_URL!, { poolSize: 1 });
  try {
    return await f(db);
  } finally {
    await close();
  }
}

describe('portal api-token', () => {
  it('lists the commands in its usage', async () => {
    const r = await cli('--help');
    for (const c of ['api-token create', 'api-token list', 'api-token revoke']) expect(r.out).toContain(`portal ${c}`);
  });

  it('creates a token, prints it once (stdout alone), stores only its hash, audited with the operator', async () => {
    const r = await cli('api-token', 'create', '--name', 'Facturación', '--scopes', 'customers:read, contracts:write', '--days', '30');
    expect(r.code).toBe(0);
    const token = r.out.trim();
    expect(token).toMatch(/^mpt_[0-9a-f]{8}\.[A-Za-z0-9_-]{43}$/);
    expect(r.err).toContain(`prefijo ${token.slice(0, 12)}`);
    expect(r.err).toContain('no se volverá a mostrar');
    const row = await withDb((db) => db.selectFrom('api_tokens').selectAll().where('prefix', '=', token.slice(0, 12)).executeTakeFirstOrThrow());
    expect(row).toMatchObject({ name: 'Facturación', scopes: 'contracts:write customers:read', token_hash: hashToken(token) });
    expect(row.created_by).toMatch(/^cli:operador \(/);
    const audit = await withDb((db) => db.selectFrom('audit_events').selectAll().where('action', '=', 'api-token.created').execute());
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'cli' });
    expect(JSON.stringify(audit)).not.toContain(token);

    const list = await cli('api-token', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toContain(token.slice(0, 12));
    expect(list.out).toContain('activo');
    expect(list.out).not.toContain(token);
  });

  it('speaks JSON for scripts with --json', async () => {
    const r = await cli('api-token', 'create', '--name', 'CRM', '--scopes', 'audit:read', '--json');
    expect(r.code).toBe(0);
    const made = JSON.parse(r.out);
    expect(made).toMatchObject({ name: 'CRM', scopes: ['audit:read'] });
    expect(made.token.slice(0, 12)).toBe(made.prefix);
    // 90 days unless told.
    expect(Date.parse(made.expiresAt) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    const list = JSON.parse((await cli('api-token', 'list', '--json')).out);
    expect(list.find((t: { prefix: string }) => t.prefix === made.prefix)).toMatchObject({ state: 'active', scopes: ['audit:read'] });
    expect(JSON.stringify(list)).not.toContain(made.token);
    const revoked = JSON.parse((await cli('api-token', 'revoke', made.id, '--json')).out);
    expect(revoked).toEqual({ id: made.id, prefix: made.prefix, revoked: true, changed: true });
  });

  it('revokes by prefix at once, says so the second time, audited with the operator', async () => {
    const made = JSON.parse((await cli('api-token', 'create', '--name', 'Sobrante', '--scopes', 'users:write', '--json')).out);
    const r = await cli('api-token', 'revoke', made.prefix);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`Token «Sobrante» (${made.prefix}) revocado.`);
    expect((await cli('api-token', 'revoke', made.prefix)).out).toContain('ya estaba revocado');
    expect((await cli('api-token', 'list')).out).toMatch(new RegExp(`${made.prefix}.*revocado`));
    const audit = await withDb((db) => db.selectFrom('audit_events').selectAll().where('action', '=', 'api-token.revoked').where('target_label', '=', `Sobrante (${made.prefix})`).execute());
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'cli' });
  });

  it('explains each mistake in Spanish and creates nothing', async () => {
    const before = (await cli('api-token', 'list', '--json')).out;
    const noScopes = await cli('api-token', 'create', '--name', 'X');
    expect(noScopes.code).toBe(1);
    expect(noScopes.err).toContain('Falta la opción --scopes.');
    const bad = await cli('api-token', 'create', '--name', '', '--scopes', 'root:all', '--days', '400');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('Falta la opción --name.');
    const wrong = await cli('api-token', 'create', '--name', 'X', '--scopes', 'root:all', '--days', '400');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('Uno de los permisos elegidos no existe.');
    expect(wrong.err).toContain('como máximo 365 días');
    const days = await cli('api-token', 'create', '--name', 'X', '--scopes', 'audit:read', '--days', 'mañana');
    expect(days.code).toBe(1);
    expect(days.err).toContain('Indique en cuántos días vence el token.');
    expect((await cli('api-token', 'list', '--json')).out).toBe(before);
    const nobody = await cli('api-token', 'revoke', 'mpt_00000000');
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('No hay un token de la API con id o prefijo «mpt_00000000».');
    const nothing = await cli('api-token', 'revoke');
    expect(nothing.code).toBe(1);
    expect(nothing.err).toContain('Indique el id o el prefijo');
  });
});
