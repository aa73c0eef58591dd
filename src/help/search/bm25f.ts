import type { Alternative, QueryTerm } from './parse-search-query.ts';
import { fieldLength, SEARCH_FIELDS, type FieldStems, type SearchField } from './search-index.ts';
import type { TermStats } from './search-vocabulary.ts';

/**
 * BM25F (Robertson & Zaragoza): each field's term count, weighted and
 * normalised by the field's length, is summed into one pseudo-frequency per
 * term, saturated once, and multiplied by the term's IDF. The title weighs
 * most; the summary, headings and tags say what the article is about in few
 * words; the body only mentions. Computed here, on both databases, from the
 * stems each field holds: the same formula and the same numbers on SQLite and
 * PostgreSQL.
 */
export const FIELD_WEIGHT: Record<SearchField, number> = { title: 8, summary: 3, headings: 2.5, tags: 3, body: 1 };
/** How much a field's length discounts its counts (0: not at all). Short fields barely vary. */
export const FIELD_B: Record<SearchField, number> = { title: 0.3, summary: 0.4, headings: 0.5, tags: 0.2, body: 0.75 };
/**
 * k1: saturation, the pseudo-frequency at which a term gives half its
 * weight. pairWeight: two neighbouring query words found next to each other
 * ("libro de ventas" as "libr vent") add this share of their mean IDF,
 * saturated like a term: the article about the phrase beats one that has
 * both words apart.
 */
export const BM25F = { k1: 2.5, pairWeight: 0.5 };

/** One matching article as the index holds it: its stems per field, and its (re)index order for ties. */
export interface Candidate {
  id: string;
  seq: number;
  fields: FieldStems;
}

export interface Scored {
  id: string;
  seq: number;
  score: number;
  /** The share (0–1) of the query's IDF weight this article matches. */
  coverage: number;
  /** How many of the query's terms it matches. */
  matched: number;
}

export function idf(df: number, docs: number): number {
  return Math.log(1 + (Math.max(docs, df) - df + 0.5) / (df + 0.5));
}

/** A phrase is at most as frequent as its rarest stem. */
function dfOf(a: Alternative, stats: TermStats): number {
  return Math.min(...a.stems.map((s) => stats.df(s)));
}

/**
 * A term's IDF is that of the word typed (its first alternative): a synonym
 * or completion does not change how telling the person's word is, and a
 * rare synonym once in one body must not outweigh the typed word elsewhere.
 * A word the index does not know weighs as its likeliest correction, or as a
 * word no article has when there is none: "mac" or "SAP" are what a
 * question is about (the verbs questions are told in are stop words).
 */
export function termIdf(t: QueryTerm, stats: TermStats): number {
  const typed = dfOf(t.alternatives[0]!, stats);
  return idf(typed > 0 ? typed : Math.max(0, ...t.alternatives.map((a) => dfOf(a, stats))), stats.docs);
}

/**
 * Occurrences of `needle` (stems joined by single spaces) as whole stems in
 * `hay` (stems separated by single spaces): what counting ` needle ` in
 * ` hay ` gives, two occurrences sharing at most the space between them,
 * without copying each field (a body is kilobytes) to pad it.
 */
function occurrences(hay: string, needle: string): number {
  const length = needle.length;
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; ) {
    const end = i + length;
    if ((i === 0 || hay.charCodeAt(i - 1) === SPACE) && (end === hay.length || hay.charCodeAt(end) === SPACE)) {
      n++;
      i = hay.indexOf(needle, end + 1);
    } else i = hay.indexOf(needle, i + 1);
  }
  return n;
}

const SPACE = 0x20;

export class Bm25fScorer {
  private readonly idfs: number[];
  private readonly total: number;
  private readonly needles: string[][];
  /** Neighbouring terms' typed stems as one phrase, with their weight (none when either is already a phrase). */
  private readonly pairs: Array<{ needle: string; weight: number }>;

  constructor(
    private readonly terms: QueryTerm[],
    private readonly stats: TermStats,
  ) {
    this.idfs = terms.map((t) => termIdf(t, stats));
    this.total = this.idfs.reduce((a, b) => a + b, 0);
    this.needles = terms.map((t) => t.alternatives.map((a) => a.stems.join(' ')));
    this.pairs = [];
    for (let i = 0; i + 1 < terms.length; i++) {
      const [a, b] = [terms[i]!.alternatives[0]!, terms[i + 1]!.alternatives[0]!];
      const weight = (BM25F.pairWeight * (this.idfs[i]! + this.idfs[i + 1]!)) / 2;
      if (weight > 0) this.pairs.push({ needle: [...a.stems, ...b.stems].join(' '), weight });
    }
  }

  /** Each term's IDF, in query order. */
  weights(): readonly number[] {
    return this.idfs;
  }

  score(c: Candidate): Scored {
    const fields = SEARCH_FIELDS.map((f) => c.fields[f]);
    const norm = SEARCH_FIELDS.map((f) => {
      const b = FIELD_B[f];
      return FIELD_WEIGHT[f] / (1 - b + (b * fieldLength(c.fields[f])) / this.stats.avgLength(f));
    });
    let score = 0;
    let covered = 0;
    let matched = 0;
    for (let t = 0; t < this.terms.length; t++) {
      const alternatives = this.terms[t]!.alternatives;
      let best = 0;
      for (let a = 0; a < alternatives.length; a++) {
        const needle = this.needles[t]![a]!;
        let tf = 0;
        for (let f = 0; f < fields.length; f++) if (fields[f] !== '') tf += norm[f]! * occurrences(fields[f]!, needle);
        if (tf > 0) best = Math.max(best, (alternatives[a]!.factor * tf) / (BM25F.k1 + tf));
      }
      if (best > 0) {
        score += this.idfs[t]! * best;
        covered += this.idfs[t]!;
        matched++;
      }
    }
    for (const p of this.pairs) {
      let tf = 0;
      for (let f = 0; f < fields.length; f++) if (fields[f] !== '') tf += norm[f]! * occurrences(fields[f]!, p.needle);
      if (tf > 0) score += (p.weight * tf) / (BM25F.k1 + tf);
    }
    return { id: c.id, seq: c.seq, score, coverage: this.total > 0 ? covered / this.total : 0, matched };
  }
}

/** Best first; the more recently (re)indexed article wins a tie. */
export function byScore(a: Scored, b: Scored): number {
  return b.score - a.score || b.seq - a.seq;
}
