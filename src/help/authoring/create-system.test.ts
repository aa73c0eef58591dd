import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal.ts';
import { ValidationError } from '../../errors.ts';
import { createTestStaff } from '../../../tests/staff-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { listSystems } from '../list-systems.ts';
import { createSystem } from './create-system.ts';
import type { HelpWriteContext } from './help-write-context.ts';

let rt: TestRuntime;
let editor: Principal;
let reader: Principal;
const ctx = (): HelpWriteContext => ({ dialect: rt.deps.dialect, now: rt.clock.now(), selfPublish: false });
const create = (by: Principal, input: { slug: string; name: string; description?: string }) => rt.deps.db.transaction().execute((trx) => createSystem(trx, ctx(), by, input));

async function refusal(p: Promise<unknown>): Promise<Record<string, string>> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return (err as ValidationError).fieldErrors;
}

beforeAll(async () => {
  rt = await createTestRuntime();
  const e = await createTestStaff(rt.deps, 'editor');
  const l = await createTestStaff(rt.deps, 'lectura');
  editor = { kind: 'staff', staffId: e.id, name: e.name, email: e.email, role: 'editor', ip: null };
  reader = { kind: 'staff', staffId: l.id, name: l.name, email: l.email, role: 'lectura', ip: null };
});
afterAll(() => rt?.close());

describe('createSystem', () => {
  it('adds a system last in the order, contractable at once, and audits it', async () => {
    const before = await listSystems(rt.deps.db);
    const r = await create(editor, { slug: 'bodega-movil', name: '  Bodega móvil ', description: 'Inventario desde el teléfono.' });
    const after = await listSystems(rt.deps.db);
    expect(after.map((s) => s.slug)).toEqual([...before.map((s) => s.slug), 'bodega-movil']);
    const row = await rt.deps.db.selectFrom('systems').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ slug: 'bodega-movil', name: 'Bodega móvil', description: 'Inventario desde el teléfono.', position: before.length });
    const audit = await rt.deps.db.selectFrom('audit_events').selectAll().where('action', '=', 'help.system-created').execute();
    expect(audit.map((a) => JSON.parse(a.detail ?? '{}').slug)).toContain('bodega-movil');
    expect(audit.find((a) => a.target_label === 'Bodega móvil')?.actor_staff_id).toBe((editor as { staffId: string }).staffId);
  });

  it('refuses bad slugs, reserved words, duplicates and empty names in Spanish, writing nothing', async () => {
    const count = async () => (await rt.deps.db.selectFrom('systems').select('id').execute()).length;
    const n = await count();
    expect((await refusal(create(editor, { slug: 'Con Mayúsculas', name: 'X' }))).slug).toMatch(/minúsculas sin tildes/);
    expect((await refusal(create(editor, { slug: '../x', name: 'X' }))).slug).toMatch(/minúsculas/);
    expect((await refusal(create(editor, { slug: 'buscar', name: 'X' }))).slug).toBe('Ese código es una página del portal; elija otro.');
    expect((await refusal(create(editor, { slug: 'contabilidad', name: 'Otra' }))).slug).toBe('Ya existe un sistema con el código "contabilidad". Elija otro código.');
    const e = await refusal(create(editor, { slug: '', name: ' ', description: 'x'.repeat(301) }));
    expect(e).toEqual({ slug: 'Ingrese el código del sistema.', name: 'Ingrese el nombre.', description: 'La descripción puede tener como máximo 300 caracteres.' });
    expect((await refusal(create(editor, { slug: 'bien', name: 'a\u202eb' }))).name).toMatch(/El nombre/);
    await expect(create(reader, { slug: 'lectura-no', name: 'No' })).rejects.toMatchObject({ status: 403 });
    expect(await count()).toBe(n);
  });

  it('two creates of the same slug at once: one wins, the other gets the clear message', async () => {
    const results = await Promise.allSettled([1, 2, 3].map((i) => create(editor, { slug: 'a-la-vez', name: `A la vez ${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as ValidationError).fieldErrors.slug).toBe('Ya existe un sistema con el código "a-la-vez". Elija otro código.');
    const positions = (await rt.deps.db.selectFrom('systems').select('position').orderBy('position').execute()).map((s) => Number(s.position));
    expect(new Set(positions).size).toBe(positions.length);
  });
});
