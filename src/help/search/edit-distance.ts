/** Whether a.slice(i) === b.slice(j), compared in place. */
function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}

/**
 * Whether `a` and `b` are at most one edit apart: one insertion, deletion,
 * substitution, or swap of two adjacent characters (optimal string alignment
 * distance ≤ 1). Linear time and no table, since the typo check runs against
 * the whole vocabulary for each unknown query word. Compares UTF-16 code
 * units, which is exact for folded text outside the astral planes.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a.length > b.length) {
    const t = a;
    a = b;
    b = t;
  }
  const la = a.length;
  const lb = b.length;
  if (lb - la > 1) return false;
  let i = 0;
  while (i < la && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === la) return true; // equal, or b has one extra character at the end
  if (la !== lb) return sameFrom(a, i, b, i + 1); // one character inserted into a
  if (sameFrom(a, i + 1, b, i + 1)) return true; // substitution
  return (
    i + 1 < la &&
    a.charCodeAt(i) === b.charCodeAt(i + 1) &&
    a.charCodeAt(i + 1) === b.charCodeAt(i) &&
    sameFrom(a, i + 2, b, i + 2)
  );
}

/**
 * The optimal string alignment distance between `a` and `b` (insertions,
 * deletions, substitutions, swaps of adjacent characters), or `max + 1` as
 * soon as it is known to be larger than `max`: the two-typo check of long
 * words runs it against a slice of the vocabulary, and most words are out of
 * reach after a few rows.
 */
export function editDistanceAtMost(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  let prev2 = new Array<number>(lb + 1).fill(0);
  let prev = Array.from({ length: lb + 1 }, (_, j) => j);
  let cur = new Array<number>(lb + 1).fill(0);
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= lb; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[lb]!, max + 1);
}
