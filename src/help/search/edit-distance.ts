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
