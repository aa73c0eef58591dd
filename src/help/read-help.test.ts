import { afterAll, beforeAll, expect, it } from 'vitest';
import { article, writeHelpFolder } from '../../tests/help-folder.ts';
import { createTestRuntime, type TestRuntime } from '../../tests/test-runtime.ts';
import { importHelpTree } from './import/import-help-tree.ts';
import { readHelpTree } from './import/read-help-tree.ts';
import { readArticle } from './read-help.ts';

// A category far larger than any written by hand (a generated corpus, an
// import gone wrong): the article page lists the articles around it, not all.

let rt: TestRuntime;
const COUNT = 40;
const slugOf = (i: number) => `articulo-${String(i).padStart(2, '0')}`;

beforeAll(async () => {
  rt = await createTestRuntime({ withHelp: false });
  const files: Record<string, string> = {};
  for (let i = 1; i <= COUNT; i++) {
    files[`contabilidad/cierre/${slugOf(i)}.md`] = article({ system: 'contabilidad', category: 'cierre', slug: slugOf(i), title: `Artículo ${i}`, order: i }, `Texto del artículo ${i}.`);
  }
  const folder = writeHelpFolder(files);
  await importHelpTree(rt.deps.db, rt.deps.dialect, readHelpTree(folder.dir), rt.clock.now());
  folder.remove();
});
afterAll(() => rt.close());

async function read(i: number) {
  const system = await rt.deps.db.selectFrom('systems').select(['id', 'slug', 'name', 'description']).where('slug', '=', 'contabilidad').executeTakeFirstOrThrow();
  return readArticle(rt.deps.db, system, slugOf(i));
}

it.each([1, 2, 20, 39, 40])('article %i of 40 lists 25 neighbours including itself, and knows the whole count', async (i) => {
  const a = await read(i);
  expect(a.siblingCount).toBe(COUNT);
  expect(a.siblings).toHaveLength(25);
  expect(a.siblings.map((s) => s.slug)).toContain(slugOf(i));
  // In order, without gaps.
  const numbers = a.siblings.map((s) => Number(s.slug.slice(-2)));
  expect(numbers).toEqual(Array.from({ length: 25 }, (_, k) => numbers[0]! + k));
  expect(a.previous?.slug ?? null).toBe(i > 1 ? slugOf(i - 1) : null);
  expect(a.next?.slug ?? null).toBe(i < COUNT ? slugOf(i + 1) : null);
});
