import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal.ts';
import { inTransaction, refusal, staffPrincipal, systemOrder } from '../../../tests/help-structure-fixtures.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { changeSystem } from './change-system.ts';
import { moveSystem } from './move-system.ts';

let rt: TestRuntime;
let editor: Principal;

beforeAll(async () => {
  rt = await createTestRuntime();
  editor = await staffPrincipal(rt, 'editor');
});
afterAll(() => rt?.close());

const move = (slug: string, direction: string) => inTransaction(rt, (trx, ctx) => moveSystem(trx, ctx, editor, slug, { direction }));

describe('moveSystem', () => {
  it('swaps with the neighbour, renumbers 0..n-1 (an old gap too) and audits the new order', async () => {
    // A gap and a tie, as older data might have: the move leaves positions contiguous.
    await rt.deps.db.updateTable('systems').set({ position: 7 }).where('slug', '=', (await systemOrder(rt))[0]!.slug).execute();
    const start = (await systemOrder(rt)).map((s) => s.slug);
    expect(await move(start[1]!, 'arriba')).toEqual({ moved: true });
    const after = await systemOrder(rt);
    expect(after.map((s) => s.slug)).toEqual([start[1], start[0], ...start.slice(2)]);
    expect(after.map((s) => s.position)).toEqual(after.map((_, i) => i));
    const audit = await rt.deps.db.selectFrom('audit_events').select('detail').where('action', '=', 'help.reordered').execute();
    expect(JSON.parse(audit.at(-1)!.detail!)).toMatchObject({ kind: 'system', slug: start[1], direction: 'arriba', order: after.map((s) => s.slug) });
  });

  it('at either end it does nothing; a bad direction is refused; an unknown slug is 404', async () => {
    const order = (await systemOrder(rt)).map((s) => s.slug);
    expect(await move(order[0]!, 'arriba')).toEqual({ moved: false });
    expect(await move(order.at(-1)!, 'abajo')).toEqual({ moved: false });
    expect((await refusal(move(order[0]!, 'izquierda'))).direction).toBe('Elija si se sube o se baja.');
    await expect(move('no-existe', 'abajo')).rejects.toMatchObject({ status: 404 });
    expect((await systemOrder(rt)).map((s) => s.slug)).toEqual(order);
  });

  it('many moves at once keep the order a permutation with contiguous positions', async () => {
    const before = (await systemOrder(rt)).map((s) => s.slug);
    await Promise.all(before.flatMap((slug, i) => [move(slug, i % 2 ? 'arriba' : 'abajo'), move(slug, 'abajo')]));
    const after = await systemOrder(rt);
    expect([...after.map((s) => s.slug)].sort()).toEqual([...before].sort());
    expect(after.map((s) => s.position)).toEqual(after.map((_, i) => i));
  });
});

describe('changeSystem', () => {
  it('renames and describes, keeps the slug, says when nothing changed, audits before and after', async () => {
    const change = (slug: string, input: { name: string; description?: string }) => inTransaction(rt, (trx, ctx) => changeSystem(trx, ctx, editor, slug, input));
    expect(await change('contabilidad', { name: 'Contabilidad Pro', description: 'Libros y cierres.' })).toEqual({ changed: true });
    expect(await change('contabilidad', { name: 'Contabilidad Pro', description: 'Libros y cierres.' })).toEqual({ changed: false });
    const row = await rt.deps.db.selectFrom('systems').select(['slug', 'name', 'description']).where('slug', '=', 'contabilidad').executeTakeFirstOrThrow();
    expect(row).toEqual({ slug: 'contabilidad', name: 'Contabilidad Pro', description: 'Libros y cierres.' });
    const audits = await rt.deps.db.selectFrom('audit_events').select('detail').where('action', '=', 'help.system-changed').execute();
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0]!.detail!)).toMatchObject({ slug: 'contabilidad', after: { name: 'Contabilidad Pro' } });
    expect((await refusal(change('contabilidad', { name: '' }))).name).toBe('Ingrese el nombre.');
    await expect(change('no-existe', { name: 'X' })).rejects.toMatchObject({ status: 404 });
  });
});
