import { withinOneEdit } from './edit-distance.ts';

/**
 * The words the index has seen (folded, with their stems) and the vendor's
 * synonym groups, held in memory by each search process. Typo forgiveness
 * and prefixes work on words, as people type them; the index holds stems.
 */
export class SearchVocabulary {
  private readonly stems = new Set<string>();
  private readonly stemOf = new Map<string, string>();
  /** Sorted words, for prefix lookups by binary search. */
  private readonly sorted: string[];
  /** Every word with one character deleted → the words it came from (symmetric-delete typo lookup). */
  private readonly deletions = new Map<string, string[]>();
  private readonly synonymsOf = new Map<string, string[]>();
  /** Stem → the words that have it: highlighting looks words up instead of stemming each. */
  private readonly wordsOf = new Map<string, string[]>();

  constructor(words: Array<{ word: string; stem: string }>, synonymGroups: Array<{ stems: string[] }>) {
    for (const { word, stem } of words) {
      this.stemOf.set(word, stem);
      this.stems.add(stem);
      const same = this.wordsOf.get(stem);
      if (same) same.push(word);
      else this.wordsOf.set(stem, [word]);
      if (word.length >= TYPO_MIN_LENGTH - 1) {
        for (let i = 0; i < word.length; i++) {
          const d = word.slice(0, i) + word.slice(i + 1);
          const list = this.deletions.get(d);
          if (list) {
            if (list.at(-1) !== word) list.push(word);
          } else this.deletions.set(d, [word]);
        }
      }
    }
    this.sorted = [...this.stemOf.keys()].sort();
    for (const g of synonymGroups) {
      for (const s of g.stems) {
        const others = g.stems.filter((x) => x !== s);
        this.synonymsOf.set(s, [...new Set([...(this.synonymsOf.get(s) ?? []), ...others])]);
      }
    }
  }

  /** The known words with this stem. */
  wordsWithStem(stem: string): readonly string[] {
    return this.wordsOf.get(stem) ?? [];
  }

  /** Whether the index has seen this (folded) word. */
  knows(word: string): boolean {
    return this.stemOf.has(word);
  }

  hasStem(stem: string): boolean {
    return this.stems.has(stem);
  }

  synonyms(stem: string): string[] {
    return this.synonymsOf.get(stem) ?? [];
  }

  /** Stems of the words that start with `prefix` (at most `limit` words looked at). */
  stemsWithPrefix(prefix: string, limit = 50): string[] {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out = new Set<string>();
    for (let i = lo, n = 0; i < this.sorted.length && n < limit && this.sorted[i]!.startsWith(prefix); i++, n++) out.add(this.stemOf.get(this.sorted[i]!)!);
    return [...out];
  }

  /** Stems of the known words one edit away from `word` (insertion, deletion, substitution, transposition). */
  stemsOneEditAway(word: string): string[] {
    const candidates = new Set<string>();
    const add = (list: string[] | undefined) => list?.forEach((w) => candidates.add(w));
    add(this.deletions.get(word)); // word is a known word minus one character
    for (let i = 0; i < word.length; i++) {
      const d = word.slice(0, i) + word.slice(i + 1);
      if (this.stemOf.has(d)) candidates.add(d); // word is a known word plus one character
      add(this.deletions.get(d)); // substitution or transposition
    }
    const out = new Set<string>();
    for (const w of candidates) if (w !== word && withinOneEdit(w, word)) out.add(this.stemOf.get(w)!);
    return [...out];
  }
}

/** Words shorter than this are too short to guess a typo in ("mes" vs "mas"). */
export const TYPO_MIN_LENGTH = 5;
