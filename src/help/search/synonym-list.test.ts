import { describe, expect, it } from 'vitest';
import { formatSynonymList, parseSynonymList, problemText, SYNONYM_LIMITS, synonymListHash } from './synonym-list.ts';

const problems = (text: string) => parseSynonymList(text).problems.map(problemText);

describe('the synonym list', () => {
  it('reads one group per line, entries of one or several words, comments and blank lines skipped', () => {
    const r = parseSynonymList('# Remuneraciones\n\nsueldo, remuneración,salario\r\nNC,   nota de   crédito\nimposiciones, cotizaciones previsionales\n');
    expect(r.problems).toEqual([]);
    expect(r.groups).toEqual([['sueldo', 'remuneración', 'salario'], ['NC', 'nota de crédito'], ['imposiciones', 'cotizaciones previsionales']]);
    expect(formatSynonymList(r.groups)).toBe('sueldo, remuneración, salario\nNC, nota de crédito\nimposiciones, cotizaciones previsionales');
  });

  it('names the line of each problem, in Spanish, and keeps none of the bad groups', () => {
    const text = [
      'boleta, recibo', // 1 ok
      'factura,, dte', // 2 empty entry
      'finiquito', // 3 one entry
      'Boleta, BOLETA', // 4 the same entry twice (case)
      'recibo, comprobante', // 5 "recibo" is on line 1
      `corto, ${'x'.repeat(SYNONYM_LIMITS.entryLength + 1)}`, // 6 too long
      'de la, del', // 7 only stop words
      'caf, tim\u202Ebraje', // 8 a bidi control
      ', iva', // 9 leading comma
      Array.from({ length: SYNONYM_LIMITS.entriesPerGroup + 1 }, (_, i) => `palabra${i}`).join(', '), // 10 too many entries
    ].join('\n');
    const r = parseSynonymList(text);
    expect(r.groups).toEqual([['boleta', 'recibo']]);
    expect(r.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const said = problems(text);
    expect(said[0]).toBe('Línea 2: Hay un sinónimo vacío (dos comas seguidas, o una coma al principio o al final).');
    expect(said[1]).toBe('Línea 3: Un grupo necesita al menos dos sinónimos distintos (sin contar tildes ni mayúsculas).');
    expect(said[2]).toBe(said[1]!.replace('Línea 3', 'Línea 4'));
    expect(said[3]).toBe('Línea 5: «recibo» ya está en el grupo de la línea 1; cada sinónimo puede estar en un solo grupo.');
    expect(said[4]).toMatch(/^Línea 6: «x{30}…» es demasiado largo \(máximo 60 caracteres por sinónimo\)\.$/);
    expect(said[5]).toBe('Línea 7: «de la» no tiene ninguna palabra que la búsqueda use (sólo palabras muy comunes o signos).');
    expect(said[6]).toMatch(/^Línea 8: La línea contiene caracteres no permitidos.*U\+202E.*columna 9\.$/);
    expect(said[8]).toBe(`Línea 10: Un grupo puede tener como máximo ${SYNONYM_LIMITS.entriesPerGroup} sinónimos.`);
  });

  it('an entry in two groups is found without accents or case, and a phrase counts as one entry', () => {
    expect(problems('nota de crédito, NC\nnota de credito, abono')).toEqual(['Línea 2: «nota de credito» ya está en el grupo de la línea 1; cada sinónimo puede estar en un solo grupo.']);
    expect(problems('nota, apunte\nnota de crédito, NC')).toEqual([]);
  });

  it('compares entries as the search reads them (stems, without very common words): no two groups share one', () => {
    // The search joins groups by stem: "facturas" in a second group would make a search for "factura" take both groups.
    expect(problems('factura, boleta\nfacturas, recibo')).toEqual(['Línea 2: «facturas» ya está en el grupo de la línea 1 (la búsqueda lo lee como «factura»); cada sinónimo puede estar en un solo grupo.']);
    expect(problems('nota de crédito, NC\nnota crédito, abono')).toEqual(['Línea 2: «nota crédito» ya está en el grupo de la línea 1 (la búsqueda lo lee como «nota de crédito»); cada sinónimo puede estar en un solo grupo.']);
    // Spellings the search reads alike inside one group are harmless (the shipped list has "anular, anulación"), and kept.
    expect(problems('anular, anulación')).toEqual([]);
    expect(parseSynonymList('factura, facturas, boleta')).toEqual({ groups: [['factura', 'facturas', 'boleta']], problems: [] });
  });

  it('refuses too many groups and too long a text', () => {
    const many = Array.from({ length: SYNONYM_LIMITS.groups + 1 }, (_, i) => `a${i}, b${i}`).join('\n');
    expect(problems(many)).toEqual([`Línea ${SYNONYM_LIMITS.groups + 1}: La lista puede tener como máximo ${SYNONYM_LIMITS.groups} grupos.`]);
    expect(problems('a'.repeat(SYNONYM_LIMITS.textLength + 1))).toEqual(['La lista puede tener como máximo 20.000 caracteres.']);
  });

  it('the hash tells two lists apart and the same list alike', () => {
    expect(synonymListHash([['a', 'b']])).toBe(synonymListHash([['a', 'b']]));
    expect(synonymListHash([['a', 'b']])).not.toBe(synonymListHash([['a', 'b'], ['c', 'd']]));
    expect(synonymListHash([['a', 'b c']])).not.toBe(synonymListHash([['a b', 'c']]));
  });
});
