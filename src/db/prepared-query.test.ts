import { sql } from 'kysely';
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

it('refuses a write inside a read: a CTE that deletes (PostgreSQL runs it), raw SQL that updates', async () => {
  const inCte = preparedQuery((db, slug: string) =>
    db.with('gone', (q) => q.deleteFrom('systems').where('slug', '=', slug).returning('slug')).selectFrom('gone').select('slug'),
  );
  await expect(inCte(rt.deps.db, 'no-existe')).rejects.toThrow('reads only');
  const inRaw = preparedQuery((db, slug: string) => db.selectFrom('systems').select(sql<number>`(select count(*) from (update systems set name = name where slug = ${slug} returning 1) u)`.as('n')));
  await expect(inRaw(rt.deps.db, 'no-existe')).rejects.toThrow('reads only');
  // A plain read naming such words in its values is still a read.
  const byName = preparedQuery((db, name: string) => db.selectFrom('systems').select('slug').where('name', '=', name));
  expect(await byName(rt.deps.db, 'delete from systems')).toEqual([]);
});
