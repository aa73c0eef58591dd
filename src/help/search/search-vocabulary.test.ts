import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stemSpanish } from './spanish-stemmer.ts';
import { SearchVocabulary, TYPO_MIN_LENGTH } from './search-vocabulary.ts';

/** A vocabulary as the index would hold it: each word with its real stem. */
function vocabularyOf(words: string[], synonymGroups: string[][] = []): SearchVocabulary {
  return new SearchVocabulary(
    words.map((word) => ({ word, stem: stemSpanish(word) })),
    synonymGroups.map((g) => ({ stems: g })),
  );
}

const WORDS = ['factura', 'facturas', 'facturacion', 'factoring', 'finiquito', 'liquidacion', 'liquidaciones', 'libro', 'boleta', 'bodega', 'caja', 'cajas', 'cartola', 'zona'];

describe('SearchVocabulary.stemsWithPrefix', () => {
  const v = vocabularyOf(WORDS);

  it('gives the stems of the words that start with the prefix, each once', () => {
    expect(v.stemsWithPrefix('liq')).toEqual(['liquid']);
    expect(new Set(v.stemsWithPrefix('fact'))).toEqual(new Set(['factur', 'factoring']));
    expect(new Set(v.stemsWithPrefix('factu'))).toEqual(new Set(['factur']));
  });

  it('includes a word equal to the prefix, and finds the first and the last words of the sorted list', () => {
    expect(v.stemsWithPrefix('libro')).toEqual([stemSpanish('libro')]);
    expect(v.stemsWithPrefix('bod')).toEqual([stemSpanish('bodega')]);
    expect(v.stemsWithPrefix('zon')).toEqual([stemSpanish('zona')]);
  });

  it('finds nothing for a prefix no word has, before, between or after the words', () => {
    expect(v.stemsWithPrefix('aaa')).toEqual([]);
    expect(v.stemsWithPrefix('fz')).toEqual([]);
    expect(v.stemsWithPrefix('zzz')).toEqual([]);
    expect(v.stemsWithPrefix('libros')).toEqual([]);
  });

  it('looks at no more than `limit` words', () => {
    const many = vocabularyOf(Array.from({ length: 80 }, (_, i) => `cuenta${String(i).padStart(2, '0')}x`));
    expect(many.stemsWithPrefix('cuenta', 5)).toHaveLength(5);
    expect(many.stemsWithPrefix('cuenta').length).toBe(50);
  });

  it('agrees with a linear scan for any prefix', () => {
    fc.assert(
      fc.property(fc.constantFrom(...WORDS), fc.nat(8), (word, cut) => {
        const prefix = word.slice(0, Math.max(1, Math.min(word.length, cut)));
        const expected = new Set(WORDS.filter((w) => w.startsWith(prefix)).map(stemSpanish));
        expect(new Set(v.stemsWithPrefix(prefix))).toEqual(expected);
      }),
    );
  });
});

describe('SearchVocabulary.stemsOneEditAway', () => {
  const v = vocabularyOf(WORDS);

  it('forgives a letter left out', () => {
    expect(v.stemsOneEditAway('factra')).toContain('factur');
    expect(v.stemsOneEditAway('liquidacon')).toContain('liquid');
  });

  it('forgives a letter too many', () => {
    expect(v.stemsOneEditAway('facturra')).toContain('factur');
    expect(v.stemsOneEditAway('finiquitto')).toContain(stemSpanish('finiquito'));
  });

  it('forgives a letter for another', () => {
    expect(v.stemsOneEditAway('factuta')).toContain('factur');
    expect(v.stemsOneEditAway('bolera')).toContain(stemSpanish('boleta'));
  });

  it('forgives two neighbouring letters swapped', () => {
    expect(v.stemsOneEditAway('fatcura')).toContain('factur');
    expect(v.stemsOneEditAway('cartloa')).toContain(stemSpanish('cartola'));
    expect(v.stemsOneEditAway('libor')).toContain(stemSpanish('libro'));
  });

  it('offers every word one edit away, and nothing two edits away', () => {
    // "bodeta" is one letter from both bodega and boleta.
    expect(new Set(v.stemsOneEditAway('bodeta'))).toEqual(new Set([stemSpanish('bodega'), stemSpanish('boleta')]));
    expect(v.stemsOneEditAway('fcaturra')).toEqual([]);
    expect(v.stemsOneEditAway('xyzzyx')).toEqual([]);
  });

  it('reaches a short known word by one letter too many', () => {
    // "caja" is too short to be stored by its deletions, but "cajaa" still finds it.
    expect(v.stemsOneEditAway('cajaa')).toContain(stemSpanish('caja'));
  });

  it('does not offer the word itself', () => {
    expect(v.stemsOneEditAway('libro')).not.toContain('libr');
  });

  it('finds a known word behind any single edit of it', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), ch: fc.constantFrom(...letters) }),
      fc.record({ kind: fc.constant('substitute' as const), at: fc.nat(), ch: fc.constantFrom(...letters) }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
    );
    const long = WORDS.filter((w) => w.length >= TYPO_MIN_LENGTH);
    fc.assert(
      fc.property(fc.constantFrom(...long), edit, (word, e) => {
        const i = e.at % word.length;
        const typed =
          e.kind === 'delete'
            ? word.slice(0, i) + word.slice(i + 1)
            : e.kind === 'insert'
              ? word.slice(0, i) + e.ch + word.slice(i)
              : e.kind === 'substitute'
                ? word.slice(0, i) + e.ch + word.slice(i + 1)
                : i + 1 < word.length
                  ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)
                  : word;
        fc.pre(typed !== word && !WORDS.includes(typed));
        expect(v.stemsOneEditAway(typed)).toContain(stemSpanish(word));
      }),
    );
  });
});

describe('SearchVocabulary.synonyms', () => {
  const v = vocabularyOf(WORDS, [
    ['bolet', 'recib'],
    ['liquid', 'colill'],
    ['recib', 'comprob'],
  ]);

  it('gives the other stems of the groups a stem is in, merged across groups', () => {
    expect(v.synonyms('bolet')).toEqual(['recib']);
    expect(v.synonyms('colill')).toEqual(['liquid']);
    expect(new Set(v.synonyms('recib'))).toEqual(new Set(['bolet', 'comprob']));
  });

  it('gives nothing for a stem in no group', () => {
    expect(v.synonyms('factur')).toEqual([]);
  });

  it('knows the stems of the index, not the synonyms', () => {
    expect(v.hasStem('factur')).toBe(true);
    expect(v.hasStem('colill')).toBe(false);
  });
});
