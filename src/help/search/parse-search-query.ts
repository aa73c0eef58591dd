import type { SearchVocabulary } from './search-vocabulary.ts';
import { stemSpanish } from './spanish-stemmer.ts';
import { isStopWord } from './spanish-stop-words.ts';
import { analyze, tokenize } from './tokenize.ts';

/** One way an article can match a term: a stem, or a phrase of adjacent stems; `factor` ranks it against the typed word (1). */
export interface Alternative {
  stems: string[];
  factor: number;
}

/** One word (or synonym phrase) of the query: an article matches it when it has any of its alternatives. */
export interface QueryTerm {
  word: string;
  /** Every stem of every alternative (highlighting, the broad search's tiers). */
  stems: string[];
  alternatives: Alternative[];
  /** Set while the person is still typing this word: also words that start with it. */
  prefix: string | null;
  /** The word the index does not know was taken for this one (a typo): offered as "¿Quiso decir…?". */
  corrected: string | null;
}

export interface ParsedQuery {
  terms: QueryTerm[];
  /** The text with each unknown word replaced by its likeliest correction, when there was one ("¿Quiso decir…?"). */
  suggestion?: string | null;
}

const MAX_TERMS = 8;
const PREFIX_MIN_LENGTH = 3;
/** A synonym counts a little below the word typed, so an article with the very word wins a tie. */
export const SYNONYM = 0.9;
/** A word completed while typing, likewise. */
export const COMPLETION = 0.9;

const STEM_RE = /^[a-z0-9]+$/;

/**
 * Turns what someone typed into terms the index understands: folded,
 * stemmed, without stop words; a run of words that is a synonym phrase
 * ("nota de crédito") is one term; each term widened by the vendor's
 * synonyms (words or phrases), by likely typos of a word the index does not
 * know, and (the last word, while typing) by the words that start with it.
 */
export function parseSearchQuery(text: string, vocabulary: SearchVocabulary, opts: { typing?: boolean } = {}): ParsedQuery {
  const source = text.slice(0, 200);
  const tokens = tokenize(source).filter((t) => !isStopWord(t.folded));
  const stemsOf = tokens.map((t) => stemSpanish(t.folded));
  const endsInWord = tokens.length > 0 && tokens.at(-1)!.end === source.length;
  const seen = new Set<string>();
  const terms: QueryTerm[] = [];
  const fixesAt: Array<{ start: number; end: number; word: string }> = [];
  for (let i = 0; i < tokens.length && terms.length < MAX_TERMS; i++) {
    const t = tokens[i]!;
    const phrase = vocabulary.phrasesStartingWith(stemsOf[i]!).find((p) => p.every((s, k) => stemsOf[i + k] === s));
    if (phrase) {
      const word = tokens.slice(i, i + phrase.length).map((x) => x.folded).join(' ');
      i += phrase.length - 1;
      if (seen.has(word)) continue;
      seen.add(word);
      const alternatives = withSynonyms([{ stems: phrase, factor: 1 }], vocabulary);
      terms.push(term(word, alternatives, null, null));
      continue;
    }
    if (seen.has(t.folded)) continue;
    seen.add(t.folded);
    const stem = stemsOf[i]!;
    const alternatives: Alternative[] = [{ stems: [stem], factor: 1 }];
    const typingThis = Boolean(opts.typing) && endsInWord && i === tokens.length - 1 && t.folded.length >= PREFIX_MIN_LENGTH;
    if (typingThis) for (const s of vocabulary.stemsWithPrefix(t.folded)) if (s !== stem) alternatives.push({ stems: [s], factor: COMPLETION });
    let corrected: string | null = null;
    // A word the vendor's synonyms know is no typo, even if no article has it ("extracto" ~ "cartola").
    if (!vocabulary.hasStem(stem) && alternatives.length === 1 && vocabulary.synonyms(stem).length === 0) {
      const fixes = vocabulary.corrections(t.folded);
      for (const c of fixes) alternatives.push({ stems: [c.stem], factor: c.factor });
      corrected = fixes[0]?.word ?? null;
      if (corrected) fixesAt.push({ start: t.start, end: t.end, word: corrected });
    }
    terms.push(term(t.folded, withSynonyms(alternatives, vocabulary), typingThis ? t.folded : null, corrected));
  }
  let suggestion: string | null = null;
  if (fixesAt.length > 0) {
    suggestion = '';
    let at = 0;
    for (const f of fixesAt) {
      suggestion += source.slice(at, f.start) + f.word;
      at = f.end;
    }
    suggestion = (suggestion + source.slice(at)).replace(/\s+/g, ' ').trim();
  }
  return { terms: terms.filter((t) => t.alternatives.length > 0), suggestion };
}

function term(word: string, alternatives: Alternative[], prefix: string | null, corrected: string | null): QueryTerm {
  const valid = alternatives.filter((a) => a.stems.length > 0 && a.stems.every((s) => STEM_RE.test(s)));
  return { word, stems: [...new Set(valid.flatMap((a) => a.stems))], alternatives: valid, prefix, corrected };
}

/** The alternatives and their synonyms (a synonym of a typo's correction is as uncertain as the correction). */
function withSynonyms(alternatives: Alternative[], vocabulary: SearchVocabulary): Alternative[] {
  const out = new Map<string, Alternative>();
  const add = (a: Alternative) => {
    const key = a.stems.join(' ');
    const had = out.get(key);
    if (!had || had.factor < a.factor) out.set(key, a);
  };
  for (const a of alternatives) add(a);
  for (const a of alternatives) for (const syn of vocabulary.synonyms(a.stems.join(' '))) add({ stems: syn.split(' '), factor: a.factor * SYNONYM });
  return [...out.values()];
}

/** Stems of a synonym line, as the vocabulary wants them: each entry analysed like article text, a phrase's stems joined by one space. */
export function synonymStems(words: string[]): string[] {
  return [...new Set(words.map((w) => analyze(w).join(' ')).filter(Boolean))];
}

/** FTS5 MATCH text: every term, any of its alternatives. Stems are [a-z0-9]+, so quoting is safe. */
export function toFts5Match(q: ParsedQuery, mode: 'all' | 'any' = 'all'): string {
  return q.terms.map((t) => toFts5Term(t)).join(mode === 'all' ? ' AND ' : ' OR ');
}

/** FTS5 MATCH text for one term, anywhere or only in these columns; a phrase is a quoted run of stems. */
export function toFts5Term(t: QueryTerm, columns: string[] = []): string {
  const any = `(${t.alternatives.map((a) => `"${a.stems.join(' ')}"`).join(' OR ')})`;
  return columns.length > 0 ? `{${columns.join(' ')}} : ${any}` : any;
}

/** PostgreSQL to_tsquery('simple', …) text, the same query. */
export function toTsQuery(q: ParsedQuery, mode: 'all' | 'any' = 'all'): string {
  return q.terms.map((t) => `(${toTsTerm(t)})`).join(mode === 'all' ? ' & ' : ' | ');
}

/** to_tsquery('simple', …) text for one term, anywhere or only in lexemes of this weight (A title, B summary, headings and tags); a phrase is stems joined by <->. */
export function toTsTerm(t: QueryTerm, weight?: 'A' | 'B'): string {
  const stem = (s: string) => (weight ? `${s}:${weight}` : s);
  return t.alternatives.map((a) => (a.stems.length === 1 ? stem(a.stems[0]!) : `(${a.stems.map(stem).join(' <-> ')})`)).join(' | ');
}

/** Whether a word of an article is one the query asked for (for highlighting). */
export function queryMatcher(q: ParsedQuery, vocabulary?: SearchVocabulary): (folded: string) => boolean {
  const stems = new Set(q.terms.flatMap((t) => t.stems));
  const prefixes = q.terms.flatMap((t) => (t.prefix ? [t.prefix] : []));
  const hasPrefix = (folded: string) => prefixes.some((p) => folded.startsWith(p));
  if (!vocabulary) return (folded) => stems.has(stemSpanish(folded)) || hasPrefix(folded);
  // Every word of an indexed article is in the vocabulary: the words with a
  // query stem, listed once, answer without stemming each word of each snippet.
  const words = new Set([...stems].flatMap((s) => vocabulary.wordsWithStem(s)));
  return (folded) => words.has(folded) || hasPrefix(folded) || (!vocabulary.knows(folded) && stems.has(stemSpanish(folded)));
}
