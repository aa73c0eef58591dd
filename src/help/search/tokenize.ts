import { foldText } from './fold-text.ts';
import { stemSpanish } from './spanish-stemmer.ts';
import { isStopWord } from './spanish-stop-words.ts';

export interface Token {
  /** UTF-16 offset of the word in the original text. */
  start: number;
  /** UTF-16 offset just past the word. */
  end: number;
  /** The word as `foldText` gives it. */
  folded: string;
}

const UNKNOWN = 0;
const WORD = 1; // letter or digit: starts or continues a word
const MARK = 2; // combining mark: continues a word, never starts one
const OTHER = 3;

const WORD_RE = /^[\p{L}\p{N}]$/u;
const MARK_RE = /^\p{M}$/u;

function classify(ch: string): number {
  return WORD_RE.test(ch) ? WORD : MARK_RE.test(ch) ? MARK : OTHER;
}

// Classes of BMP code units, learnt on first sight: a regex per character would
// cost more than everything else in `analyze`.
const bmpClass = new Uint8Array(0x10000);

function bmpClassOf(c: number): number {
  let k = bmpClass[c]!;
  if (k === UNKNOWN) {
    k = classify(String.fromCharCode(c));
    bmpClass[c] = k;
  }
  return k;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Calls `onWord(start, end)` for each maximal run of letters and digits (with
 * the combining marks inside it). Shared by `tokenize` and `analyze` so both
 * split text identically.
 */
export function forEachWord(text: string, onWord: (start: number, end: number) => void): void {
  const n = text.length;
  let start = -1;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let k: number;
    let width = 1;
    if (isHighSurrogate(c) && i + 1 < n && isLowSurrogate(text.charCodeAt(i + 1))) {
      // Astral letters (e.g. mathematical alphanumerics) are rare enough to classify each time.
      k = classify(text.slice(i, i + 2));
      width = 2;
    } else {
      k = bmpClassOf(c);
    }
    if (k === WORD) {
      if (start < 0) start = i;
    } else if (k !== MARK && start >= 0) {
      onWord(start, i);
      start = -1;
    }
    i += width;
  }
  if (start >= 0) onWord(start, n);
}

/** Words of `text` with their positions, e.g. "F29" -> "f29", "e-mail" -> "e", "mail". */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  forEachWord(text, (start, end) => {
    tokens.push({ start, end, folded: foldText(text.slice(start, end)) });
  });
  return tokens;
}

// Raw word -> stem, or null for a stop word. Keyed by the word as written so
// that repeated words skip folding as well as stemming; bounded like the
// stemmer's own memo.
const ANALYZED_LIMIT = 50_000;
const analyzed = new Map<string, string | null>();

function analyzeWord(raw: string): string | null {
  let stem = analyzed.get(raw);
  if (stem === undefined) {
    const folded = foldText(raw);
    stem = isStopWord(folded) ? null : stemSpanish(folded);
    if (analyzed.size >= ANALYZED_LIMIT) analyzed.clear();
    analyzed.set(raw, stem);
  }
  return stem;
}

/** Stems of the words of `text` that are not stop words, in order. */
export function analyze(text: string): string[] {
  const stems: string[] = [];
  forEachWord(text, (start, end) => {
    const stem = analyzeWord(text.slice(start, end));
    if (stem !== null) stems.push(stem);
  });
  return stems;
}
