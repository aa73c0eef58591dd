import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostgresUrl } from '../../db/create-db.ts';
import { publishedArticleKeys } from '../../../tests/published-article-keys.ts';
import { createTestRuntime, type TestRuntime } from '../../../tests/test-runtime.ts';
import { foldText } from './fold-text.ts';
import { casesOfSet1, casesOfSet2, evaluateRelevance, expectedKeys, figuresLine, kindTable, missesTable, type RelevanceSearch } from './relevance-metrics.ts';
import { RELEVANCE_SET } from './relevance-set.ts';
import { RELEVANCE_SET_2, type QueryKind } from './relevance-set-2.ts';

// Set 2 is measured, never a gate: these tests check that the set is sound
// and report its figures; they assert no hit rate, so tuning the engine does
// not depend on them (docs/relevance/BASELINE.md has the figures before tuning).

const SYSTEMS = ['contabilidad', 'remuneraciones', 'factura-electronica', 'inventario', 'activo-fijo', 'honorarios'];
const KINDS: QueryKind[] = ['question', 'jargon', 'accentless', 'typo-1', 'typo-2', 'synonym', 'phrase', 'summary', 'rare-body', 'no-answer'];
const same = (q: string) => foldText(q).replace(/[^a-z0-9ñ]+/g, ' ').trim();

describe('relevance set 2', () => {
  let rt: TestRuntime;
  let allSystems: string[];
  let published: Set<string>;

  beforeAll(async () => {
    rt = await createTestRuntime();
    allSystems = (await rt.deps.db.selectFrom('systems').select('id').execute()).map((s) => s.id);
    published = await publishedArticleKeys(rt);
  });
  afterAll(() => rt.close());

  it('has at least 64 queries, 8 of them with no answer, of every kind', () => {
    expect(RELEVANCE_SET_2.length).toBeGreaterThanOrEqual(64);
    expect(RELEVANCE_SET_2.filter((q) => q.expect === null).length).toBeGreaterThanOrEqual(8);
    expect(new Set(RELEVANCE_SET_2.map((q) => q.kind))).toEqual(new Set(KINDS));
    // A no-answer query is exactly the kind 'no-answer'.
    expect(RELEVANCE_SET_2.filter((q) => (q.expect === null) !== (q.kind === 'no-answer')).map((q) => q.query)).toEqual([]);
    expect(RELEVANCE_SET_2.filter((q) => q.note.trim() === '').map((q) => q.query)).toEqual([]);
  });

  it('names only published articles of the shipped help, and asks about every system', () => {
    const named = RELEVANCE_SET_2.flatMap((q) => expectedKeys(q));
    expect(named.filter((k) => !published.has(k))).toEqual([]);
    // A list is for two equally right articles, each once.
    const lists = RELEVANCE_SET_2.filter((q) => Array.isArray(q.expect)).map((q) => q.expect as string[]);
    expect(lists.filter((l) => l.length < 2 || new Set(l).size !== l.length)).toEqual([]);
    expect(new Set(named.map((k) => k.split('/')[0]))).toEqual(new Set(SYSTEMS));
  });

  it('repeats no query, of its own or of set 1 (folded, punctuation aside)', () => {
    const mine = RELEVANCE_SET_2.map((q) => same(q.query));
    expect(mine.filter((q, i) => mine.indexOf(q) !== i)).toEqual([]);
    const first = new Set(RELEVANCE_SET.map((p) => same(p.query)));
    expect(RELEVANCE_SET_2.filter((q) => first.has(same(q.query))).map((q) => q.query)).toEqual([]);
  });

  it(`reports its figures, and set 1's (${isPostgresUrl(process.env.DATABASE_URL ?? '') ? 'PostgreSQL' : 'SQLite'})`, async ({ annotate }) => {
    const search: RelevanceSearch = (text, { typing }) => rt.deps.helpSearch.search({ text, systemIds: allSystems, perPage: 10, typing });
    const two = await evaluateRelevance(casesOfSet2(RELEVANCE_SET_2), search);
    const one = await evaluateRelevance(casesOfSet1(RELEVANCE_SET), search);
    const report = [
      `set 2 on ${rt.deps.dialect}: ${figuresLine(two.figures)}`,
      kindTable(two),
      'set 2, not first:',
      missesTable(two),
      `set 1 on ${rt.deps.dialect}: ${figuresLine(one.figures)}`,
    ].join('\n');
    await annotate(report);
    // Every query was asked and answered; the figures are reported, not judged.
    expect(two.outcomes.length, report).toBe(RELEVANCE_SET_2.length);
    expect(one.outcomes.length, report).toBe(RELEVANCE_SET.length);
    // An engine's closest articles are at most three (the contract with HelpSearch).
    expect(two.outcomes.filter((o) => o.closestCount > 3).map((o) => o.case.query), report).toEqual([]);
  });
});
