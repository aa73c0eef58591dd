import { describe, expect, it } from 'vitest';
import { OldestKeys } from './oldest-keys.ts';

describe('OldestKeys', () => {
  it('gives the keys oldest first while the map changes, like keys().next() on each call', () => {
    const m = new Map<number, number>();
    const oldest = new OldestKeys(m);
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 50_000; i++) {
      const op = rand(10);
      if (op < 5) m.set(rand(2_000), i);
      else if (op < 7) {
        // A touch: moved to the end.
        const k = rand(2_000);
        if (m.has(k)) {
          const v = m.get(k)!;
          m.delete(k);
          m.set(k, v);
        }
      } else if (op < 8) m.delete(rand(2_000));
      else if (op === 9 && rand(500) === 0) {
        m.clear();
        oldest.reset();
      } else {
        const expected = m.keys().next();
        const got = oldest.next();
        expect(got).toBe(expected.done ? undefined : expected.value);
        if (got !== undefined) m.delete(got);
      }
    }
  });

});
