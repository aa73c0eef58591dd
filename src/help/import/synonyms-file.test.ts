import { describe, expect, it } from 'vitest';
import { parseSynonymList, SYNONYM_LIMITS } from '../search/synonym-list.ts';
import { formatSynonymsFile, parseSynonymsFile } from './synonyms-file.ts';

describe('sinonimos.txt', () => {
  it('takes phrases as entries, with their spacing collapsed', () => {
    const r = parseSynonymsFile('# comentario\nnc,  nota de   crédito\nimposiciones, cotizaciones previsionales\n');
    expect(r).toEqual({ groups: [['nc', 'nota de crédito'], ['imposiciones', 'cotizaciones previsionales']], problems: [] });
  });

  it('refuses a group whose entries are all the same', () => {
    expect(parseSynonymsFile('Nota de crédito, nota de crédito\n').problems).toEqual([{ line: 1, message: expect.stringContaining('al menos dos sinónimos distintos') }]);
  });

  it('follows the console editor’s rules, line by line (one parser): common words only, one entry in two groups, limits', () => {
    const text = ['el, la', 'factura, boleta', 'facturas, recibo', `corto, ${'x'.repeat(SYNONYM_LIMITS.entryLength + 1)}`].join('\n');
    expect(parseSynonymsFile(text)).toEqual(parseSynonymList(text));
    expect(parseSynonymsFile(text).problems.map((p) => p.line)).toEqual([1, 3, 4]);
    // The whole file too long is said on its first line (the import names a line for every problem).
    expect(parseSynonymsFile('a, b\n'.repeat(SYNONYM_LIMITS.textLength)).problems).toEqual([{ line: 1, message: expect.stringContaining('como máximo 20.000 caracteres') }]);
  });

  it('writes back what it reads', () => {
    const groups = [['nc', 'nota de crédito'], ['boleta', 'recibo']];
    expect(parseSynonymsFile(formatSynonymsFile(groups)).groups).toEqual(groups);
  });
});
