/**
 * A list cut into runs of at most `size`, for statements that take many rows
 * or ids at once: large enough to batch, small enough for any parameter limit
 * (SQLite's 32,766, PostgreSQL's 65,535) and for memory when rows are big.
 */
export function inChunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
