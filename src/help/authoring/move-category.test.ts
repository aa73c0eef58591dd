import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal.ts';
import { categoryOrder, inTransaction, refusal, staffPrincipal } from '../../../tests/help-structure-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { changeCategory } from './change-category.ts';
import { createCategory } from './create-category.ts';
import { moveCategory } from './move-category.ts';

let rt: TestRuntime;
let editor: Principal;

beforeAll(async () => {
  rt = await createTestRuntime();
  editor = await staffPrincipal(rt, 'editor');
});
afterAll(() => rt?.close());

const create = (system: string, input: { slug: string; name: string; description?: string }) => inTransaction(rt, (trx, ctx) => createCategory(trx, ctx, editor, system, input));
const move = (system: string, category: string, direction: string) => inTransaction(rt, (trx, ctx) => moveCategory(trx, ctx, editor, { system, category }, { direction }));

describe('createCategory', () => {
  it('adds a category last in its system and audits it; duplicates in the same system are refused, in another system allowed', async () => {
    const before = await categoryOrder(rt, 'contabilidad');
    await create('contabilidad', { slug: 'auditoria-interna', name: 'Auditoría interna', description: 'Revisiones.' });
    const after = await categoryOrder(rt, 'contabilidad');
    expect(after.at(-1)).toEqual({ slug: 'auditoria-interna', position: Math.max(-1, ...before.map((c) => c.position)) + 1 });
    expect((await refusal(create('contabilidad', { slug: 'auditoria-interna', name: 'Otra' }))).slug).toBe('Este sistema ya tiene una categoría con el código "auditoria-interna". Elija otro código.');
    await create('inventario', { slug: 'auditoria-interna', name: 'Auditoría interna' });
    expect((await refusal(create('contabilidad', { slug: 'nueva', name: 'X' }))).slug).toMatch(/página de la consola/);
    expect((await refusal(create('contabilidad', { slug: 'Á', name: '' }))).name).toBe('Ingrese el nombre.');
    await expect(create('no-existe', { slug: 'x', name: 'X' })).rejects.toMatchObject({ status: 404 });
    const audit = await rt.deps.db.selectFrom('audit_events').select('detail').where('action', '=', 'help.category-created').execute();
    expect(audit.map((a) => JSON.parse(a.detail!).system)).toEqual(['contabilidad', 'inventario']);
  });

  it('two creates of one slug at once: one wins, the others get the clear message', async () => {
    const results = await Promise.allSettled([1, 2, 3].map((i) => create('remuneraciones', { slug: 'a-la-vez', name: `A la vez ${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(String((r.reason as { fieldErrors?: { slug?: string } }).fieldErrors?.slug)).toMatch(/ya tiene una categoría/);
  });
});

describe('moveCategory and changeCategory', () => {
  it('moves within the system only, positions contiguous, also under concurrent moves', async () => {
    const other = await categoryOrder(rt, 'inventario');
    const start = (await categoryOrder(rt, 'contabilidad')).map((c) => c.slug);
    expect(await move('contabilidad', start.at(-1)!, 'arriba')).toEqual({ moved: true });
    const after = await categoryOrder(rt, 'contabilidad');
    expect(after.map((c) => c.slug)).toEqual([...start.slice(0, -2), start.at(-1), start.at(-2)]);
    expect(after.map((c) => c.position)).toEqual(after.map((_, i) => i));
    await Promise.all(start.flatMap((slug) => [move('contabilidad', slug, 'abajo'), move('contabilidad', slug, 'arriba')]));
    const mixed = await categoryOrder(rt, 'contabilidad');
    expect(mixed.map((c) => c.slug).sort()).toEqual([...start].sort());
    expect(mixed.map((c) => c.position)).toEqual(mixed.map((_, i) => i));
    expect(await categoryOrder(rt, 'inventario')).toEqual(other);
    await expect(move('contabilidad', 'no-existe', 'abajo')).rejects.toMatchObject({ status: 404 });
    expect((await refusal(move('contabilidad', start[0]!, ''))).direction).toBeDefined();
  });

  it('renames and describes a category, audited; the slug stays', async () => {
    const change = (input: { name: string; description?: string }) => inTransaction(rt, (trx, ctx) => changeCategory(trx, ctx, editor, { system: 'contabilidad', category: 'auditoria-interna' }, input));
    expect(await change({ name: 'Auditoría', description: 'Qué revisar cada mes.' })).toEqual({ changed: true });
    expect(await change({ name: 'Auditoría', description: 'Qué revisar cada mes.' })).toEqual({ changed: false });
    const row = await rt.deps.db.selectFrom('help_categories').select(['name', 'description']).where('slug', '=', 'auditoria-interna').orderBy('name').execute();
    expect(row).toContainEqual({ name: 'Auditoría', description: 'Qué revisar cada mes.' });
    expect((await refusal(change({ name: 'x'.repeat(121) }))).name).toMatch(/120 caracteres/);
    expect(await rt.deps.db.selectFrom('audit_events').select('id').where('action', '=', 'help.category-changed').execute()).toHaveLength(1);
  });
});
