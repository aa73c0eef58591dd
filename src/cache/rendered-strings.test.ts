import { expect, it } from 'vitest';
import { RenderedStrings } from './rendered-strings.ts';

it('keeps markup by its key within a count and a budget of bytes, the least recently used out first; one too heavy is served, not kept', () => {
  const kept = new RenderedStrings(3, 100);
  const renders: string[] = [];
  const get = (k: string, n: number) => kept.get(k, () => (renders.push(k), k.repeat(n)));
  expect(get('a', 10)).toBe('a'.repeat(10));
  get('b', 10);
  expect(kept.size).toEqual({ entries: 2, bytes: 44 });
  get('a', 10); // kept, and now the most recent: b is the oldest
  expect(renders).toEqual(['a', 'b']);
  get('c', 20); // 44 + 42 = 86
  get('d', 5); // 98
  get('e', 5); // 110 and five entries: b out, then a
  expect(kept.size).toEqual({ entries: 3, bytes: 66 });
  get('f', 30); // 62 more: b and c out
  expect(kept.size.bytes).toBeLessThanOrEqual(100);
  renders.length = 0;
  get('f', 30);
  expect(renders).toEqual([]);
  expect(get('g', 60)).toBe('g'.repeat(60));
  expect(kept.size.bytes).toBeLessThanOrEqual(100);
  get('g', 60);
  expect(renders).toEqual(['g', 'g']);
});
