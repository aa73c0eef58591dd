import type { RelevancePair } from './relevance-set.ts';
import type { RelevanceQuery } from './relevance-set-2.ts';

/**
 * Relevance figures for any search function, ours or a peer's (the bench
 * runs MiniSearch and Lunr through the same code): per query the rank of the
 * expected article, and over a set hit@1, hit@3, MRR@10 and how many
 * no-answer queries were answered honestly.
 *
 * Rules, the same for every engine:
 * - only the ranked list (`hits`) counts; the engine's "closest" articles,
 *   shown apart as not exact, never count as a hit;
 * - ranks past 10 count as not found (MRR@10);
 * - a query that names two articles is hit by the better-ranked one;
 * - a no-answer query is answered honestly when `hits` is empty (the engine
 *   may still offer up to 3 closest articles).
 */

/** One query of either set, in the shape the metrics need. */
export interface RelevanceCase {
  query: string;
  /** system/slug, a list of equally good ones, or null for "no answer". */
  expect: string | string[] | null;
  /** Set 1's suggestion pairs: run the query as typing (last word a prefix). */
  typing?: boolean;
  kind: string;
}

/** What the metrics read from an engine's answer: the ranked list, and the closest articles if any. */
export interface EngineAnswer {
  hits: ReadonlyArray<{ systemSlug: string; slug: string }>;
  closest?: ReadonlyArray<{ systemSlug: string; slug: string }>;
}

export type RelevanceSearch = (query: string, opts: { typing: boolean }) => Promise<EngineAnswer>;

export interface QueryOutcome {
  case: RelevanceCase;
  /** 1-based rank of the best expected article in the first 10 hits; 0 when not there (or a no-answer query). */
  rank: number;
  /** How many hits the engine returned (its first page: at most what it was asked for). */
  hitCount: number;
  /** For a no-answer query: no hits at all. */
  honest: boolean | null;
  /** For an answerable query not in hits: whether it was among the closest articles. */
  inClosest: boolean;
  closestCount: number;
  /** The first three hits, system/slug, for reports. */
  top: string[];
}

export interface RelevanceFigures {
  queries: number;
  answerable: number;
  hit1: number;
  hit3: number;
  mrr10: number;
  noAnswer: number;
  honest: number;
  /** Answerable queries whose article was only among the closest (not counted as hits). */
  inClosest: number;
}

export interface RelevanceReport {
  outcomes: QueryOutcome[];
  figures: RelevanceFigures;
  byKind: Record<string, RelevanceFigures>;
}

/** Set 1 as cases: `within` is a pass/fail threshold of its own test and does not count here. */
export function casesOfSet1(pairs: readonly RelevancePair[]): RelevanceCase[] {
  return pairs.map((p) => ({ query: p.query, expect: p.expect, typing: Boolean(p.typing), kind: p.typing ? 'typing' : 'set-1' }));
}

export function casesOfSet2(queries: readonly RelevanceQuery[]): RelevanceCase[] {
  return queries.map((q) => ({ query: q.query, expect: q.expect, typing: false, kind: q.kind }));
}

const key = (h: { systemSlug: string; slug: string }) => `${h.systemSlug}/${h.slug}`;

export function expectedKeys(c: RelevanceCase): string[] {
  return c.expect === null ? [] : typeof c.expect === 'string' ? [c.expect] : c.expect;
}

/** One query's outcome from one answer (exported for engines whose answers are collected elsewhere). */
export function outcomeOf(c: RelevanceCase, answer: EngineAnswer): QueryOutcome {
  const hits = (answer.hits ?? []).map(key);
  // Read defensively: engines without the field (peers, an older HelpSearch) have no closest.
  const closest = ((answer as { closest?: EngineAnswer['closest'] }).closest ?? []).map(key);
  const expected = expectedKeys(c);
  const first10 = hits.slice(0, 10);
  const ranks = expected.map((e) => first10.indexOf(e) + 1).filter((r) => r > 0);
  const rank = ranks.length > 0 ? Math.min(...ranks) : 0;
  return {
    case: c,
    rank,
    hitCount: hits.length,
    honest: c.expect === null ? hits.length === 0 : null,
    inClosest: c.expect !== null && rank === 0 && expected.some((e) => closest.includes(e)),
    closestCount: closest.length,
    top: hits.slice(0, 3),
  };
}

export function figuresOf(outcomes: readonly QueryOutcome[]): RelevanceFigures {
  const answerable = outcomes.filter((o) => o.case.expect !== null);
  const none = outcomes.filter((o) => o.case.expect === null);
  const share = (n: number) => (answerable.length === 0 ? 0 : n / answerable.length);
  return {
    queries: outcomes.length,
    answerable: answerable.length,
    hit1: share(answerable.filter((o) => o.rank === 1).length),
    hit3: share(answerable.filter((o) => o.rank >= 1 && o.rank <= 3).length),
    mrr10: share(answerable.reduce((sum, o) => sum + (o.rank > 0 ? 1 / o.rank : 0), 0)),
    noAnswer: none.length,
    honest: none.filter((o) => o.honest).length,
    inClosest: answerable.filter((o) => o.inClosest).length,
  };
}

/** Runs every case, one at a time (timings elsewhere must not see them overlap). */
export async function evaluateRelevance(cases: readonly RelevanceCase[], search: RelevanceSearch): Promise<RelevanceReport> {
  const outcomes: QueryOutcome[] = [];
  for (const c of cases) outcomes.push(outcomeOf(c, await search(c.query, { typing: Boolean(c.typing) })));
  const kinds = [...new Set(cases.map((c) => c.kind))];
  return {
    outcomes,
    figures: figuresOf(outcomes),
    byKind: Object.fromEntries(kinds.map((k) => [k, figuresOf(outcomes.filter((o) => o.case.kind === k))])),
  };
}

export const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** "hit@1 80.4 % · hit@3 … · MRR@10 0.853 · no answer 3/10" */
export function figuresLine(f: RelevanceFigures): string {
  const parts = [`hit@1 ${pct(f.hit1)}`, `hit@3 ${pct(f.hit3)}`, `MRR@10 ${f.mrr10.toFixed(3)}`];
  if (f.noAnswer > 0) parts.push(`no answer honest ${f.honest}/${f.noAnswer}`);
  if (f.inClosest > 0) parts.push(`only in closest ${f.inClosest}`);
  return `${parts.join(' · ')} (${f.answerable} answerable of ${f.queries})`;
}

/** A plain-text table, one row per cell array, the first row the header. */
export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** Figures per kind, as a table. */
export function kindTable(report: RelevanceReport): string {
  return textTable([
    ['kind', 'n', 'hit@1', 'hit@3', 'MRR@10', 'honest'],
    ...Object.entries(report.byKind).map(([k, f]) => [
      k,
      String(f.queries),
      f.answerable ? pct(f.hit1) : '—',
      f.answerable ? pct(f.hit3) : '—',
      f.answerable ? f.mrr10.toFixed(3) : '—',
      f.noAnswer ? `${f.honest}/${f.noAnswer}` : '—',
    ]),
  ]);
}

/** The queries that missed rank 1 (or, for no-answer ones, returned hits), with what came first. */
export function missesTable(report: RelevanceReport): string {
  const misses = report.outcomes.filter((o) => (o.case.expect === null ? !o.honest : o.rank !== 1));
  if (misses.length === 0) return '(none)';
  return textTable([
    ['kind', 'query', 'expected', 'rank', 'hits', 'top 3'],
    ...misses.map((o) => [
      o.case.kind,
      `${o.case.typing ? '⌨ ' : ''}${o.case.query}`,
      o.case.expect === null ? '(none)' : expectedKeys(o.case).join(' | '),
      o.case.expect === null ? '—' : o.rank ? String(o.rank) : o.inClosest ? 'closest' : '—',
      String(o.hitCount),
      o.top.join(', '),
    ]),
  ]);
}
