import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldText } from './fold-text.ts';
import { stemSpanish } from './spanish-stemmer.ts';
import { isStopWord } from './spanish-stop-words.ts';
import { analyze, tokenize } from './tokenize.ts';

const words = (text: string): string[] => tokenize(text).map((t) => t.folded);

describe('tokenize', () => {
  it('splits on anything that is not a letter or a digit', () => {
    expect(words('F29 e-mail N° 1.234,5 (IVA) ¿Cómo?')).toEqual(['f29', 'e', 'mail', 'n', '1', '234', '5', 'iva', 'como']);
    expect(words('  hola,\tmundo\n')).toEqual(['hola', 'mundo']);
    expect(words('')).toEqual([]);
    expect(words(' .,;-— ')).toEqual([]);
  });

  it('folds accents and keeps letters of any script', () => {
    expect(words('Liquidación AÑO Pingüino')).toEqual(['liquidacion', 'ano', 'pinguino']);
    expect(words('Straße Ελλάδα 東京')).toEqual(['strasse', 'ελλαδα', '東京']);
    expect(words('Nº 5')).toEqual(['no', '5']);
  });

  it('keeps combining marks inside a word and drops stray ones', () => {
    const decomposed = 'liquidacio\u0301n cafe\u0301';
    expect(tokenize(decomposed)).toEqual([
      { start: 0, end: 12, folded: 'liquidacion' },
      { start: 13, end: 18, folded: 'cafe' },
    ]);
    expect(words('\u0301abc \u0301')).toEqual(['abc']);
  });

  it('gives UTF-16 offsets into the original text', () => {
    const text = '¿Cuándo vence el F29? 🙂 Ñandú…';
    const tokens = tokenize(text);
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual(['Cuándo', 'vence', 'el', 'F29', 'Ñandú']);
    expect(tokenize('𝐀𝐁 x')).toEqual([
      { start: 0, end: 4, folded: 'ab' },
      { start: 5, end: 6, folded: 'x' },
    ]);
  });

  it('maps every token back to its text, on any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom(...'aé Ñ-1.\u0301,'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) }), (text) => {
        let previousEnd = 0;
        for (const t of tokenize(text)) {
          expect(t.start).toBeGreaterThanOrEqual(previousEnd);
          expect(t.end).toBeGreaterThan(t.start);
          expect(foldText(text.slice(t.start, t.end))).toBe(t.folded);
          previousEnd = t.end;
        }
      }),
    );
  });
});

describe('analyze', () => {
  it('stems the words of a query and drops the stop words', () => {
    const stems = analyze('Cómo emitir las facturas de diciembre');
    expect(stems).toEqual(['emit', 'factur', 'diciembr']);
    for (const stop of ['como', 'las', 'de']) expect(stems).not.toContain(stop);
  });

  it('gives a word the same stem however it is written', () => {
    expect(analyze('Liquidación LIQUIDACIONES liquidacion')).toEqual(['liquid', 'liquid', 'liquid']);
    expect(analyze('F29 del mes')).toEqual(['f29', 'mes']);
    expect(analyze('')).toEqual([]);
  });

  it('agrees with tokenize, fold and stem taken one by one', () => {
    const text = 'El cierre mensual exige que todos los comprobantes estén cuadrados, y que las conciliaciones bancarias coincidan.';
    const byHand = tokenize(text)
      .filter((t) => !isStopWord(t.folded))
      .map((t) => stemSpanish(t.folded));
    expect(analyze(text)).toEqual(byHand);
    // The second call is served from analyze's own memo, keyed by the unfolded word.
    expect(analyze(text)).toEqual(byHand);
    expect(byHand).toEqual(['cierr', 'mensual', 'exig', 'comprob', 'cuadr', 'concili', 'bancari', 'coincid']);
  });
});
