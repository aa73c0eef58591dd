import { describe, expect, it } from 'vitest';
import { formatSynonymsFile, parseSynonymsFile } from './synonyms-file.ts';

describe('sinonimos.txt', () => {
  it('takes phrases as entries, with their spacing collapsed', () => {
    const r = parseSynonymsFile('# comentario\nnc,  nota de   crédito\nimposiciones, cotizaciones previsionales\n');
    expect(r).toEqual({ groups: [['nc', 'nota de crédito'], ['imposiciones', 'cotizaciones previsionales']], problems: [] });
  });

  it('refuses a group whose entries are all the same', () => {
    expect(parseSynonymsFile('Nota de crédito, nota de crédito\n').problems).toEqual([{ line: 1, message: expect.stringContaining('al menos dos palabras o frases') }]);
  });

  it('writes back what it reads', () => {
    const groups = [['nc', 'nota de crédito'], ['boleta', 'recibo']];
    expect(parseSynonymsFile(formatSynonymsFile(groups)).groups).toEqual(groups);
  });
});
