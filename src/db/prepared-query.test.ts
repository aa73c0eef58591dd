import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { preparedQuery } from './prepared-query.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt.close());

const systemBySlug = preparedQuery((db, slug: string, position: number) =>
  db.selectFrom('systems').select(['slug', 'position']).where('slug', '=', slug).where('position', '>=', position).where('slug', '!=', 'no-existe'),
);

it('runs the compiled text with each call’s values in their places, constants kept', async () => {
  const all = await rt.deps.db.selectFrom('systems').select(['slug', 'position']).orderBy('position').execute();
  expect(all.length).toBeGreaterThan(1);
  for (const s of all) expect(await systemBySlug(rt.deps.db, s.slug, s.position)).toEqual([s]);
  expect(await systemBySlug(rt.deps.db, all[0]!.slug, all[0]!.position + 1)).toEqual([]);
  expect(await systemBySlug(rt.deps.db, 'no-existe', 0)).toEqual([]);
});

it('inside a transaction, runs on the transaction', async () => {
  const first = (await rt.deps.db.selectFrom('systems').select(['slug', 'position']).orderBy('position').executeTakeFirstOrThrow())!;
  await rt.deps.db.transaction().execute(async (trx) => {
    expect(await systemBySlug(trx, first.slug, 0)).toEqual([first]);
  });
});

it('refuses a write: those go through Kysely, where the change signal sees them', async () => {
  const write = preparedQuery((db, slug: string) => db.deleteFrom('systems').where('slug', '=', slug));
  await expect(write(rt.deps.db, 'x')).rejects.toThrow('reads only');
});
