import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { withinOneEdit } from './edit-distance.ts';

/** Plain optimal-string-alignment distance with the full table, as a reference. */
function osaDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

describe('withinOneEdit', () => {
  it('accepts one edit of each kind', () => {
    expect(withinOneEdit('factura', 'factura')).toBe(true);
    expect(withinOneEdit('factura', 'fatura')).toBe(true); // deletion
    expect(withinOneEdit('fatura', 'factura')).toBe(true); // insertion
    expect(withinOneEdit('factura', 'factira')).toBe(true); // substitution
    expect(withinOneEdit('factura', 'fcatura')).toBe(true); // transposition
    expect(withinOneEdit('factura', 'facturas')).toBe(true); // at the end
    expect(withinOneEdit('factura', 'xfactura')).toBe(true); // at the start
    expect(withinOneEdit('', 'a')).toBe(true);
    expect(withinOneEdit('', '')).toBe(true);
  });

  it('rejects two edits', () => {
    expect(withinOneEdit('factura', 'fctira')).toBe(false);
    expect(withinOneEdit('factura', 'facturass')).toBe(false);
    expect(withinOneEdit('abc', 'cba')).toBe(false);
    expect(withinOneEdit('abcd', 'badc')).toBe(false);
    expect(withinOneEdit('ab', 'ba')).toBe(true);
    expect(withinOneEdit('', 'ab')).toBe(false);
    expect(withinOneEdit('cierre', 'cuenta')).toBe(false);
  });

  it('agrees with the reference distance', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 7 });
    fc.assert(
      fc.property(word, word, (a, b) => {
        expect(withinOneEdit(a, b)).toBe(osaDistance(a, b) <= 1);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the reference distance on near misses', () => {
    // Random pairs are mostly far apart; editing one word once or twice tests the boundary.
    const edit = fc.tuple(fc.nat(), fc.constantFrom('ins', 'del', 'sub', 'swap'), fc.constantFrom('a', 'b', 'x'));
    const apply = (s: string, [at, kind, ch]: [number, string, string]): string => {
      const i = s.length === 0 ? 0 : at % (s.length + (kind === 'ins' ? 1 : 0));
      if (kind === 'ins') return s.slice(0, i) + ch + s.slice(i);
      if (kind === 'del') return s.slice(0, i) + s.slice(i + 1);
      if (kind === 'sub') return s.slice(0, i) + ch + s.slice(i + 1);
      return s.slice(0, i) + s.slice(i + 1, i + 2) + s.slice(i, i + 1) + s.slice(i + 2);
    };
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 10 }), fc.array(edit, { minLength: 1, maxLength: 2 }), (a, edits) => {
        const b = edits.reduce(apply, a);
        expect(withinOneEdit(a, b)).toBe(osaDistance(a, b) <= 1);
        expect(withinOneEdit(b, a)).toBe(withinOneEdit(a, b));
      }),
      { numRuns: 5000 },
    );
  });
});
