import { editDistanceAtMost, withinOneEdit } from './edit-distance.ts';
import { phoneticKey } from './phonetic-key.ts';
import { DOCS_KEY, lengthKey, SEARCH_FIELDS, type SearchField } from './search-index.ts';

/** A typo's correction: a known word, its stem, and how sure we are (1 = the word as typed). */
export interface Correction {
  word: string;
  stem: string;
  factor: number;
}

/** How much a correction is believed, by kind: below the typed word, sounding alike above one letter off. */
export const SOUNDS_ALIKE = 0.8;
export const ONE_EDIT = 0.65;
export const TWO_EDITS = 0.45;

/** Words shorter than this are too short to guess a typo in ("mes" vs "mas"). */
export const TYPO_MIN_LENGTH = 5;
/** Two typos are forgiven only in words this long: in shorter ones two letters change the word. */
export const TWO_EDITS_MIN_LENGTH = 8;
/** Corrections kept per word: the most likely (kind, then how many articles have the word). */
const MAX_CORRECTIONS = 3;

/** Counts from help_search_terms: document frequency per stem and the BM25F totals. */
export interface TermStats {
  docs: number;
  df(stem: string): number;
  avgLength(field: SearchField): number;
}

export function termStats(counts: Map<string, number>): TermStats {
  const docs = Math.max(0, counts.get(DOCS_KEY) ?? 0);
  const avg = new Map(SEARCH_FIELDS.map((f) => [f, docs > 0 ? Math.max(1, (counts.get(lengthKey(f)) ?? 0) / docs) : 1]));
  return { docs, df: (stem) => counts.get(stem) ?? 0, avgLength: (f) => avg.get(f)! };
}

/** Stems known to the index and the words they came from: built once per index version, shared by every synonym list. */
class Words {
  readonly stems = new Set<string>();
  readonly stemOf = new Map<string, string>();
  /** Sorted words, for prefix lookups by binary search. */
  readonly sorted: string[];
  /** Every word with one character deleted → the words it came from (symmetric-delete typo lookup). */
  readonly deletions = new Map<string, string[]>();
  /** Stem → the words that have it: highlighting looks words up instead of stemming each. */
  readonly wordsOf = new Map<string, string[]>();
  /** Phonetic key → the words that sound like it. */
  readonly sounds = new Map<string, string[]>();
  /** First letter → the long words starting with it (the two-typo scan). */
  readonly longByFirst = new Map<string, string[]>();

  constructor(words: Array<{ word: string; stem: string }>) {
    for (const { word, stem } of words) {
      this.stemOf.set(word, stem);
      this.stems.add(stem);
      push(this.wordsOf, stem, word);
      if (word.length >= TYPO_MIN_LENGTH - 1) {
        push(this.sounds, phoneticKey(word), word);
        for (let i = 0; i < word.length; i++) {
          const d = word.slice(0, i) + word.slice(i + 1);
          const list = this.deletions.get(d);
          if (list) {
            if (list.at(-1) !== word) list.push(word);
          } else this.deletions.set(d, [word]);
        }
      }
      if (word.length >= TWO_EDITS_MIN_LENGTH - 2) push(this.longByFirst, word[0]!, word);
    }
    this.sorted = [...this.stemOf.keys()].sort();
  }
}

/**
 * Two words that differ only in their last three letters are two forms of a
 * word ("trimestral", "trimestre"), not a typo: the stemmer joins the forms
 * that mean the same, so such a word missing from the help is another word.
 */
function onlyEndingDiffers(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return Math.max(a.length, b.length) - i <= 3;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * The words the index has seen (folded, with their stems), how many
 * articles have each stem, and the vendor's synonym groups, held in memory
 * by each search process. Typo forgiveness and prefixes work on words, as
 * people type them; the index holds stems. A synonym entry is a stem or a
 * phrase of stems joined by one space ("not credit").
 */
export class SearchVocabulary {
  private readonly w: Words;
  readonly stats: TermStats;
  private readonly synonymsOf = new Map<string, string[]>();
  /** First stem of each phrase entry → the phrases (stems joined by spaces), longest first. */
  private readonly phrasesFrom = new Map<string, string[][]>();

  constructor(words: Array<{ word: string; stem: string }> | Words, synonymGroups: Array<{ stems: string[] }>, stats?: TermStats) {
    this.w = words instanceof Words ? words : new Words(words);
    this.stats = stats ?? termStats(new Map());
    for (const g of synonymGroups) {
      const entries = [...new Set(g.stems.map((s) => s.trim()).filter(Boolean))];
      for (const s of entries) {
        const others = entries.filter((x) => x !== s);
        this.synonymsOf.set(s, [...new Set([...(this.synonymsOf.get(s) ?? []), ...others])]);
        const parts = s.split(' ');
        if (parts.length > 1 && !(this.phrasesFrom.get(parts[0]!) ?? []).some((p) => p.join(' ') === s)) push(this.phrasesFrom, parts[0]!, parts);
      }
    }
    for (const list of this.phrasesFrom.values()) list.sort((a, b) => b.length - a.length);
  }

  /** The same words and counts with another synonym list (the synonym editor's preview). */
  withSynonyms(synonymGroups: Array<{ stems: string[] }>): SearchVocabulary {
    return new SearchVocabulary(this.w, synonymGroups, this.stats);
  }

  /** The known words with this stem. */
  wordsWithStem(stem: string): readonly string[] {
    return this.w.wordsOf.get(stem) ?? [];
  }

  /** Whether the index has seen this (folded) word. */
  knows(word: string): boolean {
    return this.w.stemOf.has(word);
  }

  hasStem(stem: string): boolean {
    return this.w.stems.has(stem);
  }

  /** Synonyms of a stem or of a phrase (stems joined by one space). */
  synonyms(entry: string): string[] {
    return this.synonymsOf.get(entry) ?? [];
  }

  /** The synonym phrases that start with this stem, longest first (each a list of stems). */
  phrasesStartingWith(stem: string): readonly string[][] {
    return this.phrasesFrom.get(stem) ?? [];
  }

  /** Stems of the words that start with `prefix` (at most `limit` words looked at). */
  stemsWithPrefix(prefix: string, limit = 50): string[] {
    const sorted = this.w.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out = new Set<string>();
    for (let i = lo, n = 0; i < sorted.length && n < limit && sorted[i]!.startsWith(prefix); i++, n++) out.add(this.w.stemOf.get(sorted[i]!)!);
    return [...out];
  }

  /** The known words one edit away from `word` (insertion, deletion, substitution, transposition). */
  wordsOneEditAway(word: string): string[] {
    const candidates = new Set<string>();
    const add = (list: string[] | undefined) => list?.forEach((w) => candidates.add(w));
    add(this.w.deletions.get(word)); // word is a known word minus one character
    for (let i = 0; i < word.length; i++) {
      const d = word.slice(0, i) + word.slice(i + 1);
      if (this.w.stemOf.has(d)) candidates.add(d); // word is a known word plus one character
      add(this.w.deletions.get(d)); // substitution or transposition
    }
    return [...candidates].filter((w) => w !== word && withinOneEdit(w, word));
  }

  /** Stems of the known words one edit away from `word`. */
  stemsOneEditAway(word: string): string[] {
    return [...new Set(this.wordsOneEditAway(word).map((w) => this.w.stemOf.get(w)!))];
  }

  /**
   * What an unknown word was probably meant to be, most likely first, and
   * conservatively: a word that sounds the same ("finikito", "onorarios"),
   * else one edit away, else (long words only) two, starting with the same
   * letter (people rarely miss the first one, and "renta" is not "venta");
   * only the closest kind found. Among equals, the words more articles
   * have come first (frequency is what makes a guess likely).
   */
  corrections(word: string): Correction[] {
    if (word.length < TYPO_MIN_LENGTH) return [];
    const first = word[0];
    const found = new Map<string, Correction>();
    // Sounding alike is judged on the whole word ("onorarios", "bacasiones"); letter edits keep the first letter.
    const offer = (w: string, factor: number) => {
      if (w === word || (factor !== SOUNDS_ALIKE && w[0] !== first)) return;
      const stem = this.w.stemOf.get(w)!;
      const had = found.get(stem);
      if (!had || had.factor < factor) found.set(stem, { word: w, stem, factor });
    };
    for (const w of this.w.sounds.get(phoneticKey(word)) ?? []) offer(w, SOUNDS_ALIKE);
    if (found.size === 0) for (const w of this.wordsOneEditAway(word)) offer(w, ONE_EDIT);
    if (found.size === 0 && word.length >= TWO_EDITS_MIN_LENGTH) {
      for (const w of this.w.longByFirst.get(first!) ?? []) {
        if (Math.abs(w.length - word.length) <= 2 && !onlyEndingDiffers(w, word) && editDistanceAtMost(w, word, 2) <= 2) offer(w, TWO_EDITS);
      }
    }
    return [...found.values()].sort((a, b) => this.stats.df(b.stem) - this.stats.df(a.stem) || (a.word < b.word ? -1 : 1)).slice(0, MAX_CORRECTIONS);
  }
}
