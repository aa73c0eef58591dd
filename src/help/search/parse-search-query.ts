import { foldText } from './fold-text.ts';
import type { SearchVocabulary } from './search-vocabulary.ts';
import { TYPO_MIN_LENGTH } from './search-vocabulary.ts';
import { stemSpanish } from './spanish-stemmer.ts';
import { isStopWord } from './spanish-stop-words.ts';
import { tokenize } from './tokenize.ts';

/** One word of the query: an article matches it when it has any of these stems. */
export interface QueryTerm {
  word: string;
  stems: string[];
  /** Set while the person is still typing this word: also words that start with it. */
  prefix: string | null;
}

export interface ParsedQuery {
  terms: QueryTerm[];
}

const MAX_TERMS = 8;
const PREFIX_MIN_LENGTH = 3;

/**
 * Turns what someone typed into terms the index understands: folded,
 * stemmed, without stop words, widened by the vendor's synonyms, by one typo
 * in longer words the index does not know, and (the last word, while
 * typing) by the words that start with it.
 */
export function parseSearchQuery(text: string, vocabulary: SearchVocabulary, opts: { typing?: boolean } = {}): ParsedQuery {
  const source = text.slice(0, 200);
  const tokens = tokenize(source).filter((t) => !isStopWord(t.folded));
  const endsInWord = tokens.length > 0 && tokens.at(-1)!.end === source.length;
  const seen = new Set<string>();
  const terms: QueryTerm[] = [];
  for (const [i, t] of tokens.entries()) {
    if (seen.has(t.folded) || terms.length >= MAX_TERMS) continue;
    seen.add(t.folded);
    const stem = stemSpanish(t.folded);
    const stems = new Set<string>([stem]);
    const typingThis = Boolean(opts.typing) && endsInWord && i === tokens.length - 1 && t.folded.length >= PREFIX_MIN_LENGTH;
    if (typingThis) for (const s of vocabulary.stemsWithPrefix(t.folded)) stems.add(s);
    if (!vocabulary.hasStem(stem) && stems.size === 1 && t.folded.length >= TYPO_MIN_LENGTH) {
      for (const s of vocabulary.stemsOneEditAway(t.folded)) stems.add(s);
    }
    for (const s of [...stems]) for (const syn of vocabulary.synonyms(s)) stems.add(syn);
    terms.push({ word: t.folded, stems: [...stems].filter((s) => /^[a-z0-9]+$/.test(s)), prefix: typingThis ? t.folded : null });
  }
  return { terms: terms.filter((t) => t.stems.length > 0) };
}

/** Stems of a synonym line, as the vocabulary wants them. */
export function synonymStems(words: string[]): string[] {
  return [...new Set(words.map((w) => stemSpanish(foldText(w))).filter(Boolean))];
}

/** FTS5 MATCH text: every term, any of its stems. Stems are [a-z0-9]+, so quoting is safe. */
export function toFts5Match(q: ParsedQuery, mode: 'all' | 'any' = 'all'): string {
  return q.terms.map((t) => toFts5Term(t)).join(mode === 'all' ? ' AND ' : ' OR ');
}

/** FTS5 MATCH text for one term, anywhere or only in these columns. */
export function toFts5Term(t: QueryTerm, columns: string[] = []): string {
  const any = `(${t.stems.map((s) => `"${s}"`).join(' OR ')})`;
  return columns.length > 0 ? `{${columns.join(' ')}} : ${any}` : any;
}

/** PostgreSQL to_tsquery('simple', …) text, the same query. */
export function toTsQuery(q: ParsedQuery, mode: 'all' | 'any' = 'all'): string {
  return q.terms.map((t) => `(${toTsTerm(t)})`).join(mode === 'all' ? ' & ' : ' | ');
}

/** to_tsquery('simple', …) text for one term, anywhere or only in lexemes of this weight (A title, B headings and tags). */
export function toTsTerm(t: QueryTerm, weight?: 'A' | 'B'): string {
  return t.stems.map((s) => (weight ? `${s}:${weight}` : s)).join(' | ');
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
