import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldText } from './fold-text.ts';

describe('foldText', () => {
  it('lower-cases and removes Spanish accents, tilde and diaeresis', () => {
    expect(foldText('Liquidación')).toBe('liquidacion');
    expect(foldText('AÑO')).toBe('ano');
    expect(foldText('Pingüino')).toBe('pinguino');
    expect(foldText('ÁÉÍÓÚÜÑ áéíóúüñ')).toBe('aeiouun aeiouun');
  });

  it('leaves plain ASCII as it is apart from case', () => {
    expect(foldText('F29 e-mail N°')).toBe('f29 e-mail n°');
    expect(foldText('')).toBe('');
  });

  it('folds letters that NFKD leaves whole, and compatibility forms', () => {
    expect(foldText('Straße')).toBe('strasse');
    expect(foldText('Æsir Œuvre Øre Łódź')).toBe('aesir oeuvre ore lodz');
    expect(foldText('ﬁn')).toBe('fin');
    expect(foldText('İstanbul')).toBe('istanbul');
    expect(foldText('cafe\u0301')).toBe('cafe');
  });

  it('is idempotent and never leaves a combining mark or an upper-case letter', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const f = foldText(s);
        expect(foldText(f)).toBe(f);
        expect(/\p{M}/u.test(f)).toBe(false);
        expect(f).toBe(f.toLowerCase());
      }),
    );
  });
});
