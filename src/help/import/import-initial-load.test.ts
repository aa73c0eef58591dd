import { afterEach, describe, expect, it } from 'vitest';
import { insertArticle } from '../../../tests/help-fixtures.ts';
import { HELP_DIR } from '../../demo/seed-demo.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { importHelpTree } from './import-help-tree.ts';
import { readHelpTree } from './read-help-tree.ts';

const shippedHelpTree = () => readHelpTree(HELP_DIR);

// Which import is the help's first load (source 'initial', never news): the
// first one into a help readers have seen nothing of. A draft started in the
// console before it is not help readers had.

let rt: TestRuntime;
afterEach(() => rt.close());

const sources = async () => (await rt.deps.db.selectFrom('help_article_versions').select('source').distinct().execute()).map((s) => s.source).sort();

/** A portal with the systems and categories of the shipped help and no article yet (as set up in the console). */
async function emptyHelp() {
  rt = await createTestRuntime({ withHelp: false });
  await importHelpTree(rt.deps.db, rt.deps.dialect, { ...shippedHelpTree(), articles: [] }, rt.clock.now());
}

describe('the first import into an empty help', () => {
  it('is still the baseline when a console draft (never published) was started before it', async () => {
    await emptyHelp();
    await insertArticle(rt, { system: 'contabilidad', category: 'cierre-e-impuestos', slug: 'borrador-previo', title: 'Borrador previo', published: false });
    await importHelpTree(rt.deps.db, rt.deps.dialect, shippedHelpTree(), rt.clock.now());
    expect(await sources()).toEqual(['initial']);
  });

  it('is news once readers have had help: an article published before it', async () => {
    await emptyHelp();
    const id = await insertArticle(rt, { system: 'contabilidad', category: 'cierre-e-impuestos', slug: 'publicado-antes', title: 'Publicado antes' });
    expect(id).toBeTruthy();
    await importHelpTree(rt.deps.db, rt.deps.dialect, shippedHelpTree(), rt.clock.now());
    expect(await sources()).toEqual(['import']);
  });
});
