import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { loadSynonyms } from './load-synonyms.ts';
import { previewSynonyms } from './preview-synonyms.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt.close());

describe('previewSynonyms', () => {
  it('searches every system with the saved list and with the edited one, writing nothing', async () => {
    const saved = await loadSynonyms(rt.deps.db);
    const p = await previewSynonyms(rt.deps.db, rt.deps.helpSearch, { text: `${saved.text}\nzqxnc, cierre mensual`, query: 'zqxnc' });
    expect(p.problems).toEqual([]);
    expect(p.saved.total).toBe(0);
    expect(p.edited!.hits.map((h) => `${h.systemSlug}/${h.slug}`)).toContain('contabilidad/cierre-mensual');
    // The saved text unedited: both sides alike.
    const phrase = await previewSynonyms(rt.deps.db, rt.deps.helpSearch, { text: saved.text, query: 'cierre mensual' });
    expect(phrase.saved.total).toBe(phrase.edited!.total);
    expect(await loadSynonyms(rt.deps.db)).toEqual(saved);
  });

  it('with problems in the edited list: the saved results and the problems, no edited results', async () => {
    const p = await previewSynonyms(rt.deps.db, rt.deps.helpSearch, { text: 'boleta', query: 'boleta' });
    expect(p.edited).toBeNull();
    expect(p.problems.map((x) => x.line)).toEqual([1]);
    expect(p.saved.total).toBeGreaterThan(0);
  });

  it('the edited list replaces the saved one: a group removed in the editor no longer expands', async () => {
    const saved = await loadSynonyms(rt.deps.db);
    const group = saved.groups.find((g) => g.includes('sueldo'))!;
    const without = saved.text.split('\n').filter((l) => !l.split(', ').includes('sueldo')).join('\n');
    const p = await previewSynonyms(rt.deps.db, rt.deps.helpSearch, { text: without, query: 'salario' });
    expect(group).toContain('salario');
    expect(p.edited!.total).toBeLessThan(p.saved.total);
  });
});
