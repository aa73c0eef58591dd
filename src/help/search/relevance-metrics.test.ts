import { describe, expect, it } from 'vitest';
import { casesOfSet1, evaluateRelevance, figuresOf, outcomeOf, type EngineAnswer, type RelevanceCase } from './relevance-metrics.ts';

const hit = (k: string) => ({ systemSlug: k.split('/')[0]!, slug: k.split('/')[1]! });
const answer = (hits: string[], closest: string[] = []): EngineAnswer => ({ hits: hits.map(hit), closest: closest.map(hit) });
const c = (expect: RelevanceCase['expect'], kind = 'k'): RelevanceCase => ({ query: 'q', expect, kind });

describe('relevance metrics', () => {
  it('ranks the expected article among the first ten hits only', () => {
    expect(outcomeOf(c('s/a'), answer(['s/b', 's/a'])).rank).toBe(2);
    const eleven = Array.from({ length: 11 }, (_, i) => `s/x${i}`);
    expect(outcomeOf(c('s/x10'), answer(eleven)).rank).toBe(0);
    expect(outcomeOf(c('s/x9'), answer(eleven)).rank).toBe(10);
  });

  it('takes the better-ranked of two equally right articles', () => {
    expect(outcomeOf(c(['s/a', 's/b']), answer(['s/c', 's/b', 's/a'])).rank).toBe(2);
  });

  it('never counts the closest articles as a hit, but says when the article was there', () => {
    const o = outcomeOf(c('s/a'), answer([], ['s/a']));
    expect(o).toMatchObject({ rank: 0, inClosest: true, closestCount: 1, honest: null });
  });

  it('calls a no-answer query honest only when there are no hits, closest or not', () => {
    expect(outcomeOf(c(null), answer([], ['s/a', 's/b'])).honest).toBe(true);
    expect(outcomeOf(c(null), answer(['s/a'])).honest).toBe(false);
  });

  it('reads an answer without closest (a peer, or an older engine)', () => {
    expect(outcomeOf(c('s/a'), { hits: [hit('s/a')] })).toMatchObject({ rank: 1, inClosest: false, closestCount: 0 });
  });

  it('computes hit@1, hit@3 and MRR@10 over the answerable queries, and honesty over the others', () => {
    const f = figuresOf([
      outcomeOf(c('s/a'), answer(['s/a'])), // rank 1
      outcomeOf(c('s/a'), answer(['s/b', 's/c', 's/a'])), // rank 3
      outcomeOf(c('s/a'), answer(['s/b', 's/c', 's/d', 's/a'])), // rank 4
      outcomeOf(c('s/a'), answer([])), // not found
      outcomeOf(c(null), answer([])),
      outcomeOf(c(null), answer(['s/a'])),
    ]);
    expect(f).toMatchObject({ queries: 6, answerable: 4, hit1: 0.25, hit3: 0.5, noAnswer: 2, honest: 1, inClosest: 0 });
    expect(f.mrr10).toBeCloseTo((1 + 1 / 3 + 1 / 4) / 4, 10);
  });

  it('runs set 1 pairs with their typing flag, and reports by kind', async () => {
    const cases = casesOfSet1([
      { query: 'finiq', typing: true, expect: 's/a', note: '' },
      { query: 'finiquito', expect: 's/a', within: 1, note: '' },
    ]);
    const asked: Array<[string, boolean]> = [];
    const report = await evaluateRelevance(cases, async (q, { typing }) => {
      asked.push([q, typing]);
      return answer(typing ? ['s/b', 's/a'] : ['s/a']);
    });
    expect(asked).toEqual([
      ['finiq', true],
      ['finiquito', false],
    ]);
    expect(report.byKind.typing).toMatchObject({ queries: 1, hit1: 0, hit3: 1 });
    expect(report.byKind['set-1']).toMatchObject({ queries: 1, hit1: 1 });
  });
});
